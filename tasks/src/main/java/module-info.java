/** Training tasks: autodiff, models, data readers and the benchmark suite. */
module org.optopt.tasks {
    requires transitive org.optopt.api;
    requires java.net.http;
    requires org.apache.commons.compress;

    exports org.optopt.tasks.autodiff;
    exports org.optopt.tasks.data;
    exports org.optopt.tasks.nn;
    exports org.optopt.tasks.suite;
}
