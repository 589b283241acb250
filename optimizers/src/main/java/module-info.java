/** The optimizer library: standard optimizers as kernels, schedules, hypergradient towers. */
module org.optopt.optimizers {
    requires transitive org.optopt.api;
    requires org.optopt.theory;
}
