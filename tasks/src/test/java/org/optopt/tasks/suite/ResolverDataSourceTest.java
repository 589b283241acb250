package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.SharedFiles;
import org.optopt.testsupport.IntegrationTest;

class ResolverDataSourceTest {
    @TempDir
    Path temp;

    @Test
    void nothingIsAvailableWithoutFiles() {
        ResolverDataSource none = ResolverDataSource.of(temp, null, false);
        assertFalse(none.isAvailable(new DataRequirement("a9a", List.of("a9a", "a9a.t"))));
        assertThrows(IllegalArgumentException.class,
                () -> none.isAvailable(new DataRequirement("no-such-set", List.of("x"))));
    }

    @IntegrationTest
    @Test
    void readsTheSharedFiles() throws Exception {
        SharedFiles shared = SharedFiles.configured();
        shared.data("libsvm/a9a.t");
        ResolverDataSource source = ResolverDataSource.of(temp, shared.root(), false);
        assertTrue(source.isAvailable(new DataRequirement("a9a", List.of("a9a", "a9a.t"))));
        Examples test = source.labeled("a9a", DataSource.Split.TEST);
        assertEquals(16281, test.rows());
        assertEquals(123, test.width());
        long positives = java.util.Arrays.stream(test.labels()).filter(l -> l == 1).count();
        assertEquals(3846, positives, "a9a.t has 3846 rows labelled +1 (shared/data/README.md)");
        assertThrows(IllegalArgumentException.class, () -> source.labeled("w8a", DataSource.Split.TEST));
        assertThrows(IllegalArgumentException.class, () -> source.labeled("cifar100", DataSource.Split.TRAIN));
        List<TaskRegistry.Listing> tasks = TaskRegistry.standard().list(source);
        long available = tasks.stream().filter(TaskRegistry.Listing::dataAvailable).count();
        assertEquals(tasks.size(), available, "every task has its data in the shared directory");
    }
}
