package org.optopt.api.optim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ordered parameter groups an optimizer updates. Parameter names and group names are unique;
 * the order of {@link #parameters()} (group by group) is the order of state files.
 */
public final class ParameterSet {
    /** The name of the group made by {@link #of(List)}. */
    public static final String DEFAULT_GROUP = "default";

    private final List<ParameterGroup> groups;
    private final List<Parameter> parameters;

    private ParameterSet(List<ParameterGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("A parameter set needs at least one group");
        }
        this.groups = List.copyOf(groups);
        Set<String> groupNames = new HashSet<>();
        Set<String> names = new HashSet<>();
        List<Parameter> all = new ArrayList<>();
        for (ParameterGroup g : this.groups) {
            if (!groupNames.add(g.name())) {
                throw new IllegalArgumentException("Parameter group name '" + g.name() + "' is used twice");
            }
            for (Parameter p : g.parameters()) {
                if (!names.add(p.name())) {
                    throw new IllegalArgumentException("Parameter name '" + p.name() + "' is used twice");
                }
                all.add(p);
            }
        }
        this.parameters = List.copyOf(all);
    }

    /** One group named {@value #DEFAULT_GROUP} holding {@code parameters}. */
    public static ParameterSet of(List<Parameter> parameters) {
        return new ParameterSet(List.of(ParameterGroup.of(DEFAULT_GROUP, parameters)));
    }

    /** The given groups, in order. */
    public static ParameterSet ofGroups(List<ParameterGroup> groups) {
        return new ParameterSet(groups);
    }

    /** The groups, in order. */
    public List<ParameterGroup> groups() {
        return groups;
    }

    /** Every parameter, group by group. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * The group named {@code name}.
     *
     * @throws IllegalArgumentException listing the group names if there is none
     */
    public ParameterGroup group(String name) {
        for (ParameterGroup g : groups) {
            if (g.name().equals(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("Unknown parameter group '" + name + "'; groups are "
                + groups.stream().map(ParameterGroup::name).toList());
    }
}
