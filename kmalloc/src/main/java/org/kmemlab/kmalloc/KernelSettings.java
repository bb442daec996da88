package org.kmemlab.kmalloc;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.ReferenceProviders;

/**
 * Where each setting of a kernel comes from, in the documented order of precedence.
 *
 * <ol>
 *   <li>an explicit {@link KernelBuilder} call ({@code .pages("alice-buddy")});</li>
 *   <li>a command-line option, which the {@code kmemlab} command passes on with
 *       {@link KernelBuilder#commandLine(String, String)};</li>
 *   <li>a system property ({@code -Dkmemlab.pages=alice-buddy});</li>
 *   <li>a {@code kmemlab.properties} file: the one named with {@link KernelBuilder#propertiesFile}, or the
 *       one in the working directory when there is one (and properties given with
 *       {@link KernelBuilder#properties});</li>
 *   <li>the default of the command that boots the kernel ({@link KernelBuilder#commandDefault}: the tour
 *       boots an i386 machine unless told otherwise);</li>
 *   <li>the default: the reference providers ({@link ReferenceProviders}), the x86_64 profile with its
 *       default RAM and era.</li>
 * </ol>
 * The first source that has a value wins. Keys are {@link #KEYS} with the prefix {@code kmemlab.} in
 * system properties and files; a file or command line that names an unknown {@code kmemlab.} key fails
 * with the list of known keys (a typo should not silently fall back to a default).
 */
public final class KernelSettings {

    /** The prefix of every key in system properties and files. */
    static final String PREFIX = "kmemlab.";

    /** The keys a kernel reads, without prefix. */
    static final List<String> KEYS = List.of("profile", "ram", "era", "pages", "objects", "zones", "slabs", "maxWait",
            "minFreeKbytes", "cpuCaches", "misuse");

    /** The default provider names and switches. */
    static final Map<String, String> DEFAULTS = Map.of(
            "pages", ReferenceProviders.PAGES,
            "objects", ReferenceProviders.OBJECTS,
            "zones", ReferenceProviders.ZONES,
            "slabs", ReferenceProviders.SLABS,
            "misuse", "stop");

    /** The name of the file read from the working directory. */
    static final String FILE_NAME = "kmemlab.properties";

    /**
     * One resolved setting.
     *
     * @param key the key without prefix
     * @param value its value, or null when no source has one (the kernel then derives it: RAM and era
     *              from the profile)
     * @param source where it came from, for {@code Kernel.configuration()}
     */
    public record Setting(String key, String value, String source) {
    }

    /** The source of a command's own default ({@link KernelBuilder#commandDefault}). */
    static final String COMMAND_DEFAULT = "default of this command";
    /** The source of a setting nobody chose: the built-in default. */
    static final String DEFAULT_SOURCE = "default";

    /**
     * The names a profile may be given by, anywhere a setting is read (builder, command line, system
     * property, file), lower case: the enum name and the short names the command line documents.
     */
    static final Map<String, MachineProfile> PROFILE_NAMES = Map.of(
            "i386_linux_2_0", MachineProfile.I386_LINUX_2_0, "i386", MachineProfile.I386_LINUX_2_0,
            "linux-2.0", MachineProfile.I386_LINUX_2_0, "i386-linux-2.0", MachineProfile.I386_LINUX_2_0,
            "x86_64", MachineProfile.X86_64, "x86-64", MachineProfile.X86_64, "modern", MachineProfile.X86_64);

    /** The names an era may be given by, lower case, as {@link #PROFILE_NAMES}. */
    static final Map<String, Era> ERA_NAMES = Map.of(
            "linux_2_0", Era.LINUX_2_0, "linux-2.0", Era.LINUX_2_0, "2.0", Era.LINUX_2_0,
            "modern", Era.MODERN);

    /**
     * Returns the profile {@code s} names.
     *
     * @throws IllegalArgumentException naming the value, its source and the names to use
     */
    static MachineProfile profile(Setting s) {
        return named(PROFILE_NAMES, s, "i386 or x86_64");
    }

    /**
     * Returns the era {@code s} names.
     *
     * @throws IllegalArgumentException naming the value, its source and the names to use
     */
    static Era era(Setting s) {
        return named(ERA_NAMES, s, "linux-2.0 or modern");
    }

    /** Returns the size {@code s} gives ({@code 16M}, {@code 1G}), naming its source when it does not parse. */
    static long parseSize(Setting s) {
        try {
            return Sizes.parse(s.value().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + from(s), e);
        }
    }

    /** Returns the duration {@code s} gives ({@code 100ms}, {@code 2s}, or bare milliseconds). */
    static Duration parseDuration(Setting s) {
        String text = s.value().trim().toLowerCase(Locale.ROOT);
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).trim()));
            }
            if (text.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1).trim()));
            }
            return Duration.ofMillis(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("maxWait '" + s.value() + "' (" + s.source()
                    + ") is not a duration; write milliseconds such as 100ms, or seconds such as 2s", e);
        }
    }

    /** Returns the whole number {@code s} gives, naming its key and source when it is not one. */
    static long parseLong(Setting s) {
        try {
            return Long.parseLong(s.value().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.key() + " '" + s.value() + "' (" + s.source()
                    + ") is not a whole number", e);
        }
    }

    /** Looks {@code s}'s value up in {@code names}, case-insensitively; an unknown one names the ones to use. */
    private static <T> T named(Map<String, T> names, Setting s, String use) {
        T found = names.get(s.value().trim().toLowerCase(java.util.Locale.ROOT));
        if (found == null) {
            throw new IllegalArgumentException("unknown " + s.key() + " '" + s.value() + "'" + from(s) + "; use " + use);
        }
        return found;
    }

    /** Returns " (in SOURCE)" for sources other than the command line, where the user just typed it. */
    private static String from(Setting s) {
        return s.source().equals("command line") ? "" : " (" + s.source() + ")";
    }

    private KernelSettings() {
    }

    /**
     * Resolves every key.
     *
     * @param explicit values set by builder calls
     * @param commandLine values passed from the command line
     * @param system the system properties
     * @param file values from properties files, or empty
     * @param fileName the file they came from, for reports
     */
    static Map<String, Setting> resolve(Map<String, String> explicit, Map<String, String> commandLine,
                                        Properties system, Properties file, String fileName) {
        return resolve(explicit, commandLine, Map.of(), system, file, fileName);
    }

    /**
     * Resolves every key, with the defaults of the command that boots the kernel just above the
     * built-in defaults.
     */
    static Map<String, Setting> resolve(Map<String, String> explicit, Map<String, String> commandLine,
                                        Map<String, String> commandDefaults, Properties system, Properties file,
                                        String fileName) {
        checkFileKeys(file.stringPropertyNames(), fileName);
        Map<String, Setting> out = new LinkedHashMap<>();
        for (String key : KEYS) {
            Setting s;
            if (explicit.containsKey(key)) {
                s = new Setting(key, explicit.get(key), "builder");
            } else if (commandLine.containsKey(key)) {
                s = new Setting(key, commandLine.get(key), "command line");
            } else if (system.getProperty(PREFIX + key) != null) {
                s = new Setting(key, system.getProperty(PREFIX + key), "system property " + PREFIX + key);
            } else if (file.getProperty(PREFIX + key) != null) {
                s = new Setting(key, file.getProperty(PREFIX + key), fileName);
            } else if (commandDefaults.containsKey(key)) {
                s = new Setting(key, commandDefaults.get(key), COMMAND_DEFAULT);
            } else {
                s = new Setting(key, DEFAULTS.get(key), DEFAULT_SOURCE);
            }
            out.put(key, s);
        }
        return out;
    }

    /**
     * Formats resolved settings one per line with their source; a setting no source had shows the value
     * the kernel derived ({@code profile}, {@code ram}, {@code era}, {@code maxWait} passed in).
     */
    static String describe(Iterable<Setting> settings, String profile, String ram, String era, String maxWait) {
        StringBuilder out = new StringBuilder();
        for (Setting s : settings) {
            String value = s.value();
            if (value == null) {
                value = switch (s.key()) {
                    case "profile" -> profile;
                    case "ram" -> ram;
                    case "era" -> era;
                    case "maxWait" -> maxWait;
                    case "cpuCaches" -> Boolean.toString(!era.equals(Era.LINUX_2_0.name()));
                    default -> "0 (computed)";
                };
            }
            out.append(Checks.format("%-14s %-22s (%s)%n", s.key(), value, s.source()));
        }
        return out.toString();
    }

    /** Returns {@code key} without the {@code kmemlab.} prefix, checked against {@link #KEYS}. */
    static String bareKey(String key) {
        String bare = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
        if (!KEYS.contains(bare)) {
            throw new IllegalArgumentException("unknown kmemlab setting '" + key + "'; known settings: "
                    + String.join(", ", KEYS));
        }
        return bare;
    }

    private static void checkFileKeys(Iterable<String> keys, String where) {
        for (String key : keys) {
            if (key.startsWith(PREFIX) && !KEYS.contains(key.substring(PREFIX.length()))) {
                throw new IllegalArgumentException("unknown kmemlab setting '" + key + "' in " + where
                        + "; known settings: " + String.join(", ", KEYS));
            }
        }
    }

    /**
     * Reads a properties file.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    static Properties read(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read kmemlab settings from " + file + ": " + e.getMessage(), e);
        }
        return p;
    }
}
