package org.kmemlab.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

class ProviderRegistryTests {

    private record Named(String name) implements PageAllocatorProvider {
        @Override
        public PageAllocator create(PageAllocatorConfig config) {
            throw new UnsupportedOperationException("a lookup test creates no allocator");
        }
    }

    private static final class AlsoNamed implements PageAllocatorProvider {
        private final String name;

        AlsoNamed(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public PageAllocator create(PageAllocatorConfig config) {
            throw new UnsupportedOperationException("a lookup test creates no allocator");
        }
    }

    @Test
    void providersAreFoundByName() {
        Named buddy = new Named("buddy-reference");
        ProviderRegistry<PageAllocatorProvider> registry =
                ProviderRegistry.of(PageAllocatorProvider.class, List.of(buddy, new Named("alice-buddy")));
        assertSame(buddy, registry.get("buddy-reference"));
        assertEquals(List.of("buddy-reference", "alice-buddy"), registry.names());
        assertTrue(registry.contains("alice-buddy"));
    }

    @Test
    void anUnknownNameFailsWithTheNamesFound() {
        ProviderRegistry<PageAllocatorProvider> registry = ProviderRegistry.of(PageAllocatorProvider.class,
                List.of(new Named("buddy-reference"), new Named("alice-buddy")));
        ProviderLookupException e = assertThrows(ProviderLookupException.class, () -> registry.get("bob-buddy"));
        assertEquals("no PageAllocatorProvider named \"bob-buddy\"; installed: buddy-reference, alice-buddy",
                e.getMessage());
    }

    @Test
    void anEmptyRegistrySaysNothingIsInstalled() {
        ProviderRegistry<PageAllocatorProvider> registry = ProviderRegistry.of(PageAllocatorProvider.class, List.of());
        ProviderLookupException e = assertThrows(ProviderLookupException.class, () -> registry.get("buddy-reference"));
        assertTrue(e.getMessage().contains("none is installed"), e.getMessage());
    }

    @Test
    void twoProvidersWithOneNameFailFast() {
        ProviderLookupException e = assertThrows(ProviderLookupException.class, () -> ProviderRegistry.of(
                PageAllocatorProvider.class, List.of(new Named("buddy"), new AlsoNamed("buddy"))));
        assertTrue(e.getMessage().startsWith("two PageAllocatorProviders are named \"buddy\": "), e.getMessage());
        assertTrue(e.getMessage().contains("AlsoNamed"), e.getMessage());
    }

    @Test
    void theSameClassSeenTwiceCountsOnce() {
        ProviderRegistry<PageAllocatorProvider> registry = ProviderRegistry.of(PageAllocatorProvider.class,
                List.of(new Named("buddy"), new Named("buddy")));
        assertEquals(List.of("buddy"), registry.names());
    }

    @Test
    void aProviderWithoutANameIsRefused() {
        ProviderLookupException e = assertThrows(ProviderLookupException.class, () -> ProviderRegistry.of(
                PageAllocatorProvider.class, List.of(new Named(" "))));
        assertTrue(e.getMessage().contains("has no name"), e.getMessage());
    }

    @Test
    void aProviderThatFailsToLoadIsReportedWithAHint() {
        Iterable<PageAllocatorProvider> broken = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public PageAllocatorProvider next() {
                throw new ServiceConfigurationError("com.alice.Buddy: Provider could not be instantiated");
            }
        };
        ProviderLookupException e = assertThrows(ProviderLookupException.class,
                () -> ProviderRegistry.of(PageAllocatorProvider.class, broken));
        assertTrue(e.getMessage().startsWith("a PageAllocatorProvider could not be loaded: com.alice.Buddy"),
                e.getMessage());
    }

    @Test
    void serviceLoadingFromTheApiModuleWorks() {
        ProviderRegistry<ZoneAllocatorProvider> registry = ProviderRegistry.load(ZoneAllocatorProvider.class);
        assertEquals(ZoneAllocatorProvider.class, registry.type());
        assertTrue(registry.names().stream().noneMatch(String::isBlank));
    }
}
