/**
 * Training tasks: autodiff, models, data readers, the benchmark suite and the training runner
 * ({@code org.optopt.tasks.training}: the training loop, its records, run directories and
 * checkpoints; run files' JSON is written with Jackson).
 */
module org.optopt.tasks {
    requires transitive org.optopt.api;
    requires java.net.http;
    requires org.apache.commons.compress;
    requires com.fasterxml.jackson.databind;

    exports org.optopt.tasks.autodiff;
    exports org.optopt.tasks.data;
    exports org.optopt.tasks.nn;
    exports org.optopt.tasks.suite;
    exports org.optopt.tasks.training;
}
