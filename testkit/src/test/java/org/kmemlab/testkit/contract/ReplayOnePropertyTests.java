package org.kmemlab.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.kmemlab.testkit.property.Effort;

/**
 * The replay command a report prints ({@code -Dkmemlab.property=ID -Dkmemlab.seed=N}) runs exactly one
 * property: checked through the JUnit Platform launcher, the engine surefire drives, on a real contract
 * test class of the zoo.
 */
class ReplayOnePropertyTests {

    @Test
    void kmemlabPropertyRunsOneDynamicTestNamedByItsId() {
        String previousProperty = System.getProperty(ContractJUnit.PROPERTY_PROPERTY);
        String previousSeed = System.getProperty(Effort.SEED_PROPERTY);
        System.setProperty(ContractJUnit.PROPERTY_PROPERTY, "page.accounting");
        System.setProperty(Effort.SEED_PROPERTY, "20261125");
        List<String> ran = new ArrayList<>();
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass("org.kmemlab.testkit.zoo.ListBuddyContractTests")).build();
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionStarted(TestIdentifier id) {
                    if (id.isTest()) {
                        ran.add(id.getDisplayName());
                    }
                }
            });
        } finally {
            restore(ContractJUnit.PROPERTY_PROPERTY, previousProperty);
            restore(Effort.SEED_PROPERTY, previousSeed);
        }
        assertEquals(List.of("page.accounting"), ran);
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
