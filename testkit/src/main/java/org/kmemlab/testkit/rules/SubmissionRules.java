package org.kmemlab.testkit.rules;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnitReference;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import org.kmemlab.api.Checks;

/**
 * Checks that a student submission keeps to the {@link SubmissionRule}s: it uses only
 * {@code org.kmemlab.api} and {@code java.base}, and from {@code java.base} nothing that reflects, starts
 * threads, touches files or the network, stops the JVM, starts processes, or keeps mutable state in
 * static fields.
 *
 * <pre>{@code
 * List<Violation> violations = SubmissionRules.checkJar(Path.of("alice-buddy.jar"));
 * System.out.print(SubmissionRules.report(violations));
 * }</pre>
 *
 * <h2>How it works</h2>
 * ArchUnit reads the class files (nothing is loaded or run) and lists, for every class, what its code
 * accesses (calls, field reads and writes, method references) with the source line, and what else it
 * depends on (superclass, field and parameter types, annotations, class literals). Each access target and
 * each dependency outside the submission is looked up in {@link ForbiddenApis}; the static fields are
 * judged by {@link MutableStaticState}. The result is one {@link Violation} per offending place, with the
 * line where the class file records one. A submission's own classes may use each other freely.
 *
 * <p>These are static checks: they catch what the code says, not what it computes. The grader still runs
 * a submission in a separate JVM with time and memory limits.
 */
public final class SubmissionRules {

    private static final Comparator<Violation> BY_PLACE = Comparator.comparing(Violation::className)
            .thenComparingInt(Violation::line)
            .thenComparing(Violation::rule)
            .thenComparing(Violation::what);

    private SubmissionRules() {
    }

    /**
     * Checks imported classes, all of which count as the submission.
     *
     * @return the violations sorted by class and line; empty when the submission keeps to the rules
     */
    public static List<Violation> check(JavaClasses classes) {
        Checks.requireNonNull(classes, "classes");
        Set<String> submission = namesOf(classes);
        List<Violation> violations = new ArrayList<>();
        for (JavaClass type : classes) {
            violations.addAll(checkClass(type, submission));
        }
        violations.sort(BY_PLACE);
        return List.copyOf(violations);
    }

    /**
     * Checks the classes of a jar file.
     *
     * @throws IllegalArgumentException when the file does not exist or holds no class
     * @throws UncheckedIOException when it cannot be read as a jar
     */
    public static List<Violation> checkJar(Path jar) {
        Checks.requireNonNull(jar, "jar");
        Checks.requireArgument(Files.isRegularFile(jar), "submission jar %s does not exist", jar);
        try (JarFile file = new JarFile(jar.toFile())) {
            return check(nonEmpty(new ClassFileImporter().importJar(file), jar));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read submission jar " + jar, e);
        }
    }

    /**
     * Checks the class files under a directory (for example {@code target/classes}).
     *
     * @throws IllegalArgumentException when it is not a directory or holds no class
     */
    public static List<Violation> checkDirectory(Path directory) {
        Checks.requireNonNull(directory, "directory");
        Checks.requireArgument(Files.isDirectory(directory), "submission directory %s does not exist", directory);
        return check(nonEmpty(new ClassFileImporter().importPath(directory), directory));
    }

    /**
     * Checks the classes of the given packages (and their subpackages) found on the class or module path.
     *
     * @throws IllegalArgumentException when no class is found
     */
    public static List<Violation> checkPackages(String... packages) {
        Checks.requireArgument(packages.length > 0, "name at least one package, not %d", packages.length);
        return check(nonEmpty(new ClassFileImporter().importPackages(packages), String.join(", ", packages)));
    }

    /**
     * Returns a report for people: a summary line, then one line per violation
     * ({@link Violation#report()}).
     */
    public static String report(List<Violation> violations) {
        Checks.requireNonNull(violations, "violations");
        if (violations.isEmpty()) {
            return "The submission keeps to the rules: it uses only org.kmemlab.api and java.base.\n";
        }
        StringBuilder out = new StringBuilder();
        out.append(violations.size()).append(violations.size() == 1 ? " violation" : " violations")
                .append(" of the submission rules:\n");
        for (Violation v : violations) {
            out.append("  ").append(v.report()).append('\n');
        }
        return out.toString();
    }

    /**
     * Returns the same checks as an ArchUnit rule, for instructors who keep their own ArchUnit tests:
     * {@code SubmissionRules.archRule().check(classes)} fails with one line per violation. The classes the
     * rule is checked against count as the submission.
     */
    public static ArchRule archRule() {
        return ArchRuleDefinition.classes().should(new KeepToTheRules())
                .because("a submission is graded inside the grader's JVM");
    }

    /** The violations of one class; {@code submission} names every class of the submission. */
    static List<Violation> checkClass(JavaClass type, Set<String> submission) {
        Set<Violation> found = new LinkedHashSet<>();
        Set<String> accessed = new HashSet<>();
        for (JavaAccess<?> access : type.getAccessesFromSelf()) {
            String owner = access.getTargetOwner().getBaseComponentType().getName();
            if (submission.contains(owner) || access.getTargetOwner().getBaseComponentType().isPrimitive()) {
                continue;
            }
            accessed.add(access.getLineNumber() + " " + owner);
            if (ForbiddenApis.harmlessMember(owner, access.getName())) {
                continue;
            }
            SubmissionRule rule = ForbiddenApis.ruleForMember(owner, access.getName());
            if (rule == null) {
                rule = ForbiddenApis.ruleForClass(owner);
            }
            if (rule != null) {
                found.add(new Violation(rule, type.getName(), access.getLineNumber(), describe(access)));
            }
        }
        for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
            JavaClass target = dependency.getTargetClass().getBaseComponentType();
            if (target.isPrimitive() || submission.contains(target.getName())) {
                continue;
            }
            int line = dependency.getSourceCodeLocation().getLineNumber();
            SubmissionRule rule = ForbiddenApis.ruleForClass(target.getName());
            if (rule != null && !accessed.contains(line + " " + target.getName())) {
                found.add(new Violation(rule, type.getName(), line,
                        "uses " + target.getName() + " (" + withoutLocation(dependency.getDescription()) + ")"));
            }
        }
        MutableStaticState.check(type, submission, found);
        return new ArrayList<>(found);
    }

    private static String describe(JavaAccess<?> access) {
        String target = access.getTarget().getFullName();
        if (access instanceof JavaFieldAccess field) {
            return (field.getAccessType() == JavaFieldAccess.AccessType.SET ? "writes " : "reads ") + target;
        }
        if (access instanceof JavaCodeUnitReference<?>) {
            return "refers to " + target;
        }
        return access instanceof JavaCall<?> ? "calls " + target : "accesses " + target;
    }

    /** ArchUnit ends a dependency's description with " in (File.java:42)"; the violation has the line. */
    private static String withoutLocation(String description) {
        int at = description.lastIndexOf(" in (");
        return at < 0 ? description : description.substring(0, at);
    }

    private static Set<String> namesOf(Iterable<JavaClass> classes) {
        Set<String> names = new HashSet<>();
        for (JavaClass c : classes) {
            names.add(c.getName());
        }
        return names;
    }

    private static JavaClasses nonEmpty(JavaClasses classes, Object where) {
        Checks.requireArgument(!classes.isEmpty(), "no class files found in %s", where);
        return classes;
    }

    /** The ArchUnit condition behind {@link #archRule()}. */
    private static final class KeepToTheRules extends ArchCondition<JavaClass> {

        private Set<String> submission = Set.of();

        KeepToTheRules() {
            super("keep to the kmemlab submission rules");
        }

        @Override
        public void init(Collection<JavaClass> allObjectsToTest) {
            submission = namesOf(allObjectsToTest);
        }

        @Override
        public void check(JavaClass type, ConditionEvents events) {
            List<Violation> violations = checkClass(type, submission);
            violations.sort(BY_PLACE);
            for (Violation v : violations) {
                events.add(SimpleConditionEvent.violated(type, v.report()));
            }
        }
    }
}
