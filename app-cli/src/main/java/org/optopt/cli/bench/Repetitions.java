package org.optopt.cli.bench;

import picocli.CommandLine.Option;

/** The repetition options shared by the streaming benchmarks ({@code bench kernel}, {@code bench optimizers}). */
final class Repetitions {
    @Option(names = "--runs", defaultValue = "20", description = "Timed steps; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;
}
