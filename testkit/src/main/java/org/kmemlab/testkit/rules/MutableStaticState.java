package org.kmemlab.testkit.rules;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaStaticInitializer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rule against mutable static state, made precise.
 *
 * <h2>Why</h2>
 * The grader creates many allocators in one JVM, one per test, and runs them side by side. A static field
 * that changes is shared by all of them, so one test's leftovers change the next test's result: a
 * counter that keeps counting, a free list that still holds the last machine's frames. Constants are
 * fine; state is not.
 *
 * <h2>The rule</h2>
 * For every field a submission class declares (fields the compiler generates, such as an enum's
 * {@code $VALUES} or a switch map, are skipped):
 * <ol>
 *   <li>A static field MUST be {@code final}.</li>
 *   <li>A static final field MUST have a type whose values cannot change:
 *     <ul>
 *       <li>a primitive, {@code String}, a boxed primitive, {@code Object} (a lock), {@code Class},
 *           {@code BigInteger}, {@code BigDecimal}, {@code Pattern}, {@code System.Logger},
 *           {@code Optional*}, {@code Charset}, {@code Locale}, {@code UUID}, {@code java.time.Duration};</li>
 *       <li>an enum (a submission's own enum must then have only final fields, see 3), a record of the JDK
 *           or the api, a functional interface from {@code java.util.function}, {@code Comparator};</li>
 *       <li>a class, record or interface of the submission itself whose instance fields are all final and
 *           of such types (for an interface: every implementation in the submission);</li>
 *       <li>{@code Collection}, {@code List}, {@code Set}, {@code Map} and their sorted and navigable
 *           kinds, but only when the static initializer assigns the field from an unmodifiable factory:
 *           {@code List.of}, {@code Set.of}, {@code Map.of}, {@code Map.ofEntries}, {@code copyOf},
 *           {@code Collections.unmodifiable*}, {@code Collections.empty*}, {@code Collections.singleton*},
 *           {@code Collections.nCopies}, {@code Stream.toList()} or {@code Collectors.toUnmodifiable*}.
 *           "Assigns from" is judged by the class file: one of these calls sits on the source line where
 *           the field is assigned (javac puts the line of the outermost call of an initialiser on the
 *           store that follows it).</li>
 *     </ul>
 *     Everything else is flagged: arrays (an array's elements can always be written, {@code static final
 *     int[] SIZES} included), concrete collections ({@code ArrayList}, {@code HashMap}, {@code EnumSet}),
 *     {@code StringBuilder}, atomics, {@code Random}, {@code ThreadLocal}, and classes of the submission
 *     with a non-final field.</li>
 *   <li>An enum of the submission MUST NOT have a non-final instance field: each constant is a static
 *       singleton, so such a field is static state in disguise.</li>
 * </ol>
 * The check is shallow where Java is: an unmodifiable list of arrays passes. Its aim is the mistakes
 * students make, not a proof.
 */
final class MutableStaticState {

    private static final Set<String> VALUE_TYPES = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Short", "java.lang.Character",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Object",
            "java.lang.Class", "java.math.BigInteger", "java.math.BigDecimal", "java.util.regex.Pattern",
            "java.lang.System$Logger", "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong",
            "java.util.OptionalDouble", "java.nio.charset.Charset", "java.util.Locale", "java.util.UUID",
            "java.time.Duration", "java.util.Comparator");

    private static final Set<String> COLLECTION_INTERFACES = Set.of(
            "java.lang.Iterable", "java.util.Collection", "java.util.List", "java.util.Set", "java.util.Map",
            "java.util.SortedSet", "java.util.SortedMap", "java.util.NavigableSet", "java.util.NavigableMap");

    /** The unmodifiable factories: owner → method names; a trailing {@code *} matches any ending. */
    private static final Map<String, Set<String>> FACTORIES = Map.of(
            "java.util.List", Set.of("of", "copyOf"),
            "java.util.Set", Set.of("of", "copyOf"),
            "java.util.Map", Set.of("of", "copyOf", "ofEntries"),
            "java.util.stream.Stream", Set.of("toList"),
            "java.util.Collections", Set.of("unmodifiable*", "empty*", "singleton*", "nCopies"),
            "java.util.stream.Collectors", Set.of("toUnmodifiable*"));

    private MutableStaticState() {
    }

    /** Adds a violation to {@code out} for each field of {@code owner} that breaks the rule. */
    static void check(JavaClass owner, Set<String> submission, Collection<Violation> out) {
        for (JavaField field : owner.getFields()) {
            Set<JavaModifier> modifiers = field.getModifiers();
            if (modifiers.contains(JavaModifier.SYNTHETIC)) {
                continue;
            }
            String type = field.getRawType().getName();
            if (modifiers.contains(JavaModifier.STATIC)) {
                if (!modifiers.contains(JavaModifier.FINAL)) {
                    out.add(violation(owner, field, firstWriteLine(field),
                            "declares static field " + field.getName() + " (" + type + ") that is not final"));
                } else if (!constantType(field, submission)) {
                    out.add(violation(owner, field, firstWriteLine(field),
                            "declares static final field " + field.getName() + " of mutable type " + type
                                    + describeCollectionRule(field)));
                }
            } else if (owner.isEnum() && !modifiers.contains(JavaModifier.FINAL)) {
                out.add(violation(owner, field, firstWriteLine(field), "declares field " + field.getName()
                        + " that is not final in an enum, whose constants are shared by every instance"));
            }
        }
    }

    private static Violation violation(JavaClass owner, JavaField field, int line, String what) {
        return new Violation(SubmissionRule.NO_MUTABLE_STATIC_STATE, owner.getName(), line, what);
    }

    private static String describeCollectionRule(JavaField field) {
        return COLLECTION_INTERFACES.contains(field.getRawType().getName())
                ? " not assigned from an unmodifiable factory such as List.of or Map.copyOf"
                : "";
    }

    private static boolean constantType(JavaField field, Set<String> submission) {
        JavaClass type = field.getRawType();
        if (COLLECTION_INTERFACES.contains(type.getName())) {
            return assignedFromFactory(field);
        }
        return immutable(type, submission, new HashSet<>());
    }

    /** Returns true when values of {@code type} cannot change once built (see the class comment). */
    private static boolean immutable(JavaClass type, Set<String> submission, Set<String> visiting) {
        if (type.isPrimitive() || VALUE_TYPES.contains(type.getName()) || type.isEnum()) {
            return true;
        }
        if (type.isArray()) {
            return false;
        }
        if (!submission.contains(type.getName())) {
            return type.isRecord() || type.getPackageName().equals("java.util.function");
        }
        if (!visiting.add(type.getName())) {
            return true;
        }
        if (type.isInterface()) {
            for (JavaClass implementation : type.getAllSubclasses()) {
                if (!implementation.isInterface() && !immutable(implementation, submission, visiting)) {
                    return false;
                }
            }
            return true;
        }
        for (JavaField f : type.getAllFields()) {
            Set<JavaModifier> modifiers = f.getModifiers();
            if (modifiers.contains(JavaModifier.STATIC) || modifiers.contains(JavaModifier.SYNTHETIC)) {
                continue;
            }
            if (!modifiers.contains(JavaModifier.FINAL) || !immutable(f.getRawType(), submission, visiting)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns true when every store into {@code field} from its class's static initializer sits on a line
     * where an unmodifiable factory is called.
     */
    private static boolean assignedFromFactory(JavaField field) {
        Optional<JavaStaticInitializer> init = field.getOwner().getStaticInitializer();
        if (init.isEmpty()) {
            return false;
        }
        boolean assigned = false;
        for (JavaFieldAccess write : init.get().getFieldAccesses()) {
            if (write.getAccessType() != JavaFieldAccess.AccessType.SET
                    || !write.getTarget().getName().equals(field.getName())
                    || !write.getTargetOwner().equals(field.getOwner())) {
                continue;
            }
            assigned = true;
            if (!factoryCalledOn(init.get(), write.getLineNumber())) {
                return false;
            }
        }
        return assigned;
    }

    private static boolean factoryCalledOn(JavaStaticInitializer init, int line) {
        for (JavaCall<?> call : init.getCallsFromSelf()) {
            if (call.getLineNumber() == line && isFactory(call.getTargetOwner().getName(), call.getName())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isFactory(String owner, String method) {
        Set<String> names = FACTORIES.get(owner);
        if (names == null) {
            return false;
        }
        for (String name : names) {
            if (name.endsWith("*") ? method.startsWith(name.substring(0, name.length() - 1)) : method.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Returns the first line that writes {@code field}, or 0 when no write carries a line. */
    private static int firstWriteLine(JavaField field) {
        int first = 0;
        for (JavaFieldAccess access : field.getAccessesToSelf()) {
            int line = access.getLineNumber();
            if (access.getAccessType() == JavaFieldAccess.AccessType.SET && line > 0 && (first == 0 || line < first)) {
                first = line;
            }
        }
        return first;
    }
}
