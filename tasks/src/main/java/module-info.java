/** Training tasks: autodiff, models, data readers and the benchmark suite. */
module org.optopt.tasks {
    requires transitive org.optopt.api;

    exports org.optopt.tasks.autodiff;
    exports org.optopt.tasks.nn;
    exports org.optopt.tasks.suite;
}
