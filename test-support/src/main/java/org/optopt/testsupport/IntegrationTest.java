package org.optopt.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class (or method) that reads the shared data sets or trains end to end. Such tests run
 * in Maven's integration-test phase (failsafe), not with the unit tests: {@code ./mvnw test} stays
 * fast and {@code bin/verify} ({@code ./mvnw verify}) runs both.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {
    /** The JUnit tag that the build's surefire excludes and failsafe selects. */
    String TAG = "integration";
}
