package org.optopt.cli;

import java.util.function.IntFunction;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Help text that wraps only at spaces. Picocli breaks lines where {@link java.text.BreakIterator}
 * allows, which includes after a dot and before a parenthesis: {@code lr=0.|01},
 * {@code ~/.|optopt}, {@code sgd|(0.1)}. Here picocli lays out the option list on unlimited
 * width, and each line is then wrapped at its last space that fits, continuing under the
 * description column. The synopsis is wrapped the same way, under its first option.
 */
final class HelpLayout {
    private static final int UNLIMITED = 10_000;
    /** Picocli's description column and its indent for continued lines. */
    private static final int DESCRIPTION_COLUMN = 25;
    private static final int CONTINUATION_INDENT = 27;
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

    private HelpLayout() {}

    /** Installs the layout on {@code cli} and every subcommand. */
    static void install(CommandLine cli) {
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                help -> unwrapped(help, width -> wrap(help.optionList(), width, DESCRIPTION_COLUMN, CONTINUATION_INDENT)));
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, help -> {
            // The heading ("Usage: ") is printed before the first line: wrap as if it were part of it.
            int heading = help.synopsisHeadingLength();
            int indent = heading + help.commandSpec().qualifiedName().length() + 1;
            return unwrapped(help, width -> wrap(" ".repeat(heading) + help.synopsis(heading), width, indent, indent)
                    .substring(heading));
        });
        cli.getSubcommands().values().forEach(HelpLayout::install);
    }

    /** What {@code section}, given the real width, renders while picocli's width is unlimited. */
    private static String unwrapped(CommandLine.Help help, IntFunction<String> section) {
        UsageMessageSpec usage = help.commandSpec().usageMessage();
        int width = usage.width();
        String text;
        usage.width(UNLIMITED);
        try {
            text = section.apply(width);
        } finally {
            usage.width(width);
        }
        return text;
    }

    /**
     * Each line of {@code text} wrapped to {@code width} at spaces right of {@code column}, the
     * continuations indented by {@code indent}.
     */
    static String wrap(String text, int width, int column, int indent) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String rest = line;
            while (visible(rest) > width) {
                // Break right of the description column and of the line's indent, so each break consumes text.
                int min = Math.max(column, rest.length() - rest.stripLeading().length());
                int cut = rest.lastIndexOf(' ', width);
                if (cut <= min) {
                    cut = rest.indexOf(' ', Math.max(width, min + 1));
                    if (cut < 0) {
                        break;
                    }
                }
                out.append(rest, 0, cut).append('\n');
                rest = " ".repeat(indent) + rest.substring(cut + 1).stripLeading();
            }
            out.append(rest).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    private static int visible(String s) {
        return ANSI.matcher(s).replaceAll("").length();
    }
}
