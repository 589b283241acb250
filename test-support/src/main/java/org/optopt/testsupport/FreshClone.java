package org.optopt.testsupport;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs tests as they run in a fresh clone, where no shared folder sits beside the checkout: the tests of
 * a package, in this JVM, with {@value SharedFiles#PROPERTY} pointing at an empty folder, recording how
 * each ended. A module's fresh-clone test asserts that nothing failed and that every skip says why.
 */
public final class FreshClone {
    /**
     * How the tests ended.
     *
     * @param succeeded tests that passed
     * @param skips the message of every test skipped or aborted (an assumption), or its reason
     * @param failures the test and message of every failure
     */
    public record Outcome(int succeeded, List<String> skips, List<String> failures) {}

    private FreshClone() {}

    /**
     * Runs the tests of {@code packageName} (its subpackages too), those tagged {@code tag} only if
     * {@code tag} is not null, except classes whose name ends in {@code FreshCloneIT}.
     */
    public static Outcome run(String packageName, String tag, Path emptySharedFolder) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(packageName))
                .filters(ClassNameFilter.excludeClassNamePatterns(".*FreshCloneIT"));
        if (tag != null) {
            request.filters(TagFilter.includeTags(tag));
        }
        Recorder recorder = new Recorder();
        String saved = System.getProperty(SharedFiles.PROPERTY);
        System.setProperty(SharedFiles.PROPERTY, emptySharedFolder.toString());
        try {
            LauncherDiscoveryRequest built = request.build();
            LauncherFactory.create().execute(built, recorder);
        } finally {
            if (saved == null) {
                System.clearProperty(SharedFiles.PROPERTY);
            } else {
                System.setProperty(SharedFiles.PROPERTY, saved);
            }
        }
        return new Outcome(recorder.succeeded, List.copyOf(recorder.skips), List.copyOf(recorder.failures));
    }

    private static final class Recorder implements TestExecutionListener {
        int succeeded;
        final List<String> skips = new ArrayList<>();
        final List<String> failures = new ArrayList<>();

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            skips.add(reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            String message = result.getThrowable().map(Throwable::getMessage).orElse("");
            switch (result.getStatus()) {
                case SUCCESSFUL -> succeeded += test.isTest() ? 1 : 0;
                case ABORTED -> skips.add(message);
                case FAILED -> failures.add(test.getDisplayName() + ": " + message);
            }
        }
    }
}
