package org.kmemlab.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.kmemlab.testkit.property.Counterexample;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.property.RunResult;
import org.opentest4j.AssertionFailedError;

class ContractJUnitTests {

    private static ContractProperty fixed(String id, RunResult run) {
        return new ContractProperty() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String title() {
                return "a fixed result";
            }

            @Override
            public PropertyResult check(Effort effort) {
                return PropertyResult.of(id, title(), "fixture", "mvn test -Dtest=FixtureTests", run);
            }
        };
    }

    @Test
    void everyTestPrintsItsSeedAndAFailureCarriesTheReport() throws Throwable {
        Effort effort = new Effort(2, 3, 99);
        Counterexample c = new Counterexample(1, "x = create()", List.of("1: boom()"), "it broke", "no", "yes", 3, 4);
        List<ContractProperty> properties = List.of(
                fixed("fixture.passes", new RunResult(effort, 2, 6, Optional.empty(), List.of("a SHOULD"))),
                fixed("fixture.fails", new RunResult(effort, 1, 3, Optional.of(c), List.of())));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<DynamicTest> tests = ContractJUnit.dynamicTests(properties, effort,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("fixture.passes", tests.get(0).getDisplayName());
        tests.get(0).getExecutable().execute();
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> tests.get(1).getExecutable().execute());
        assertTrue(failure.getMessage().contains("broken invariant: it broke"), failure.getMessage());
        assertTrue(failure.getMessage().contains(
                "replay: mvn test -Dtest=FixtureTests -Dkmemlab.property=fixture.fails -Dkmemlab.seed=99"));
        assertEquals("""
                [kmemlab] fixture.passes passed (seed 99, 2 tries of up to 3 steps)
                [kmemlab]   warning: a SHOULD
                [kmemlab] fixture.fails FAILED (seed 99, 1 tries of up to 3 steps)
                """, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void kmemlabPropertySelectsOnePropertyAndOnlyWithinItsOwnContract() {
        Effort effort = new Effort(2, 3, 99);
        RunResult pass = new RunResult(effort, 2, 6, Optional.empty(), List.of());
        List<ContractProperty> properties = List.of(fixed("page.accounting", pass), fixed("page.misuse", pass));
        Properties none = new Properties();
        assertEquals(properties, ContractJUnit.selected(properties, none));
        Properties one = new Properties();
        one.setProperty(ContractJUnit.PROPERTY_PROPERTY, "page.misuse");
        assertEquals(List.of(properties.get(1)), ContractJUnit.selected(properties, one));
        Properties other = new Properties();
        other.setProperty(ContractJUnit.PROPERTY_PROPERTY, "zone.blocks");
        assertEquals(List.of(), ContractJUnit.selected(properties, other));
        Properties typo = new Properties();
        typo.setProperty(ContractJUnit.PROPERTY_PROPERTY, "page.acounting");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ContractJUnit.selected(properties, typo));
        assertEquals("-Dkmemlab.property=page.acounting names no property of this contract; its properties are"
                + " page.accounting, page.misuse", e.getMessage());
    }
}
