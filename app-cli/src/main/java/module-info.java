/**
 * The {@code optopt} command: the composition root. Guice wires the backend chosen at run time
 * (through {@link java.util.ServiceLoader}, never imported) and the registries of the other
 * modules; picocli parses the command line.
 */
module org.optopt.cli {
    requires org.optopt.api;
    requires org.optopt.theory;
    requires org.optopt.optimizers;
    requires org.optopt.tasks;
    requires com.google.guice;
    requires jakarta.inject;
    requires info.picocli;
    requires org.knowm.xchart;
    requires VectorGraphics2D;
    requires java.desktop;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires com.fasterxml.jackson.databind;
    requires commons.math3;
    requires jdk.management;

    uses org.optopt.api.backend.BackendProvider;
    uses org.optopt.api.optim.OptimizerProvider;
    uses org.optopt.api.bench.IncumbentProvider;

    opens org.optopt.cli to info.picocli, com.google.guice;
    opens org.optopt.cli.bench to info.picocli, com.google.guice;
    opens org.optopt.cli.run to info.picocli, com.google.guice;
    opens org.optopt.cli.session to com.google.guice;
    opens org.optopt.cli.study to info.picocli, com.google.guice;
    opens org.optopt.cli.score to info.picocli, com.google.guice;
    opens org.optopt.cli.studyreport to info.picocli, com.google.guice;
}
