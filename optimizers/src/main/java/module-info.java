/**
 * The optimizer library: standard optimizers as kernels, schedules and hypergradient towers. Its
 * golden conformance replay ({@code org.optopt.optimizers.golden}) is exported only to the CLI.
 */
module org.optopt.optimizers {
    requires transitive org.optopt.api;
    requires org.optopt.theory;
    requires com.fasterxml.jackson.databind;

    exports org.optopt.optimizers;
    exports org.optopt.optimizers.sgd;
    exports org.optopt.optimizers.transform;
    exports org.optopt.optimizers.adaptive;
    exports org.optopt.optimizers.matrix;
    exports org.optopt.optimizers.sign;
    exports org.optopt.optimizers.schedulefree;
    exports org.optopt.optimizers.schedule;
    exports org.optopt.optimizers.spec;
    exports org.optopt.optimizers.runtime;
    // The golden replay is a conformance harness, not library API: only the CLI's `golden` command sees it.
    exports org.optopt.optimizers.golden to org.optopt.cli;
    exports org.optopt.optimizers.hyper;
    exports org.optopt.optimizers.gap;
    exports org.optopt.optimizers.trainable;
    exports org.optopt.optimizers.probe;
    exports org.optopt.optimizers.greedy;
    exports org.optopt.optimizers.linesearch;

    provides org.optopt.api.optim.OptimizerProvider with
            org.optopt.optimizers.sgd.Sgd,
            org.optopt.optimizers.adaptive.Adagrad,
            org.optopt.optimizers.adaptive.RmsProp,
            org.optopt.optimizers.adaptive.Adam,
            org.optopt.optimizers.adaptive.AdamW,
            org.optopt.optimizers.adaptive.Adamax,
            org.optopt.optimizers.adaptive.NAdam,
            org.optopt.optimizers.adaptive.RAdam,
            org.optopt.optimizers.adaptive.Adadelta,
            org.optopt.optimizers.adaptive.Lamb,
            org.optopt.optimizers.adaptive.Adafactor,
            org.optopt.optimizers.adaptive.Prodigy,
            org.optopt.optimizers.sign.Lion,
            org.optopt.optimizers.sign.Roaree,
            org.optopt.optimizers.matrix.Shampoo,
            org.optopt.optimizers.gap.GapSgdm,
            org.optopt.optimizers.gap.GapAdam,
            org.optopt.optimizers.matrix.Muon,
            org.optopt.optimizers.schedulefree.ScheduleFreeAdamW,
            org.optopt.optimizers.schedulefree.ScheduleFreeSgd,
            org.optopt.optimizers.trainable.FullTo,
            org.optopt.optimizers.trainable.DiagonalTo,
            org.optopt.optimizers.trainable.RankOneTo,
            org.optopt.optimizers.greedy.Greedy,
            org.optopt.optimizers.matrix.AdagradFull,
            org.optopt.optimizers.matrix.Kfac,
            org.optopt.optimizers.linesearch.SafeRate;
}
