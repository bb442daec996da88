package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.ProviderLookupException;

class KernelSettingsTests {

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void eachSourceWinsOverTheOnesBelowIt() {
        Map<String, KernelSettings.Setting> s = KernelSettings.resolve(
                Map.of("pages", "from-builder"),
                Map.of("pages", "from-cli", "objects", "from-cli"),
                props("kmemlab.pages", "from-system", "kmemlab.objects", "from-system", "kmemlab.zones", "from-system"),
                props("kmemlab.pages", "from-file", "kmemlab.objects", "from-file", "kmemlab.zones", "from-file",
                        "kmemlab.ram", "32M"),
                "kmemlab.properties");
        assertEquals("from-builder", s.get("pages").value());
        assertEquals("builder", s.get("pages").source());
        assertEquals("from-cli", s.get("objects").value());
        assertEquals("command line", s.get("objects").source());
        assertEquals("from-system", s.get("zones").value());
        assertEquals("system property kmemlab.zones", s.get("zones").source());
        assertEquals("32M", s.get("ram").value());
        assertEquals("kmemlab.properties", s.get("ram").source());
    }

    @Test
    void withoutAnySourceTheReferenceProvidersAreChosen() {
        Map<String, KernelSettings.Setting> s = KernelSettings.resolve(Map.of(), Map.of(), new Properties(),
                new Properties(), "none");
        assertEquals("buddy-reference", s.get("pages").value());
        assertEquals("bucket-reference", s.get("objects").value());
        assertEquals("dma-zone-reference", s.get("zones").value());
        assertEquals("default", s.get("pages").source());
        assertEquals(null, s.get("ram").value(), "RAM comes from the profile");
    }

    @Test
    void unknownKeysFailWithTheKnownOnes() {
        IllegalArgumentException cli = assertThrows(IllegalArgumentException.class,
                () -> Kernel.builder().commandLine("pagez", "x"));
        assertEquals("unknown kmemlab setting 'pagez'; known settings: profile, ram, era, pages, objects, zones, slabs,"
                + " maxWait, minFreeKbytes, cpuCaches, misuse", cli.getMessage());
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class, () -> KernelSettings.resolve(
                Map.of(), Map.of(), new Properties(), props("kmemlab.objetcs", "x"), "my.properties"));
        assertTrue(file.getMessage().startsWith("unknown kmemlab setting 'kmemlab.objetcs' in my.properties"),
                file.getMessage());
    }

    @Test
    void anUnknownProviderNameFailsFastWithTheNamesFound() {
        ProviderLookupException e = assertThrows(ProviderLookupException.class, () -> Kernel.builder()
                .systemProperties(new Properties()).pages("alice-buddy").objects(new TestProviders.Objects())
                .zones(new TestProviders.Zones()).boot());
        assertTrue(e.getMessage().startsWith("no PageAllocatorProvider named \"alice-buddy\"; "), e.getMessage());
    }

    @Test
    void aPropertiesFileSetsWhatNothingAboveItSets(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lab.properties");
        Files.writeString(file, "kmemlab.ram=32M\nkmemlab.era=LINUX_2_0\nkmemlab.cpuCaches=false\n");
        Kernel kernel = Kernel.builder().pages(new TestProviders.Pages()).objects(new TestProviders.Objects())
                .zones(new TestProviders.Zones()).profile(MachineProfile.I386_LINUX_2_0).propertiesFile(file)
                .systemProperties(props("kmemlab.era", "modern")).commandLine("kmemlab.ram", "24M").boot();
        assertEquals(24L << 20, kernel.machine().ramBytes(), "the command line beats the file");
        assertEquals(Era.MODERN, kernel.era(), "the system property beats the file");
        String config = kernel.configuration();
        assertTrue(config.contains("cpuCaches      false                  (" + file + ")"), config);
        assertTrue(config.contains("ram            24M                    (command line)"), config);
        assertTrue(config.contains("pages          test-pages             (builder)"), config);
    }

    @Test
    void badValuesAreNamedWithTheirSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestProviders.builder().systemProperties(props("kmemlab.maxWait", "soon")).boot());
        assertEquals("maxWait 'soon' (system property kmemlab.maxWait) is not a duration; write milliseconds such"
                + " as 100ms, or seconds such as 2s", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kernel.builder().propertiesFile(Path.of("/nonexistent"))
                .boot());
    }

    @Test
    void everySourceAcceptsTheProfileAndEraNamesTheCommandLineDocuments(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lab.properties");
        Files.writeString(file, "kmemlab.profile=i386\nkmemlab.era=linux-2.0\n");
        ResolvedSettings fromFile = Kernel.builder().systemProperties(new Properties()).propertiesFile(file).resolve();
        assertEquals(MachineProfile.I386_LINUX_2_0, fromFile.profile());
        assertEquals(Era.LINUX_2_0, fromFile.era());
        ResolvedSettings fromProperty = Kernel.builder().systemProperties(props("kmemlab.profile", "x86_64"))
                .commandLine("era", "modern").resolve();
        assertEquals(MachineProfile.X86_64, fromProperty.profile());
        assertEquals(Era.MODERN, fromProperty.era());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernel.builder()
                .systemProperties(props("kmemlab.profile", "vax")).resolve());
        assertEquals("unknown profile 'vax' (system property kmemlab.profile); use i386 or x86_64", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Kernel.builder().systemProperties(new Properties())
                .commandLine("profile", "vax").resolve());
        assertEquals("unknown profile 'vax'; use i386 or x86_64", e.getMessage());
    }

    @Test
    void aCommandsDefaultLosesToTheFileAndSaysWhereItCameFrom(@TempDir Path dir) throws IOException {
        ResolvedSettings tour = Kernel.builder().systemProperties(new Properties())
                .propertiesFile(Files.writeString(dir.resolve("empty.properties"), ""))
                .commandDefault("profile", "I386_LINUX_2_0").resolve();
        assertEquals(MachineProfile.I386_LINUX_2_0, tour.profile());
        assertEquals("default of this command", tour.sourceOf("profile"));
        assertEquals("default", tour.sourceOf("kmemlab.pages"));
        assertEquals(4096, tour.frames(), "16 MiB of 4 KiB frames");
        Path file = Files.writeString(dir.resolve("lab.properties"), "kmemlab.profile=x86_64\n");
        ResolvedSettings overridden = Kernel.builder().systemProperties(new Properties()).propertiesFile(file)
                .commandDefault("profile", "I386_LINUX_2_0").resolve();
        assertEquals(MachineProfile.X86_64, overridden.profile());
        assertEquals(file.toString(), overridden.sourceOf("profile"));
    }

    @Test
    void theResolvedSettingsAreTheOnesTheKernelBootsWith() {
        KernelBuilder builder = TestProviders.builder().commandLine("ram", "32M");
        ResolvedSettings settings = builder.resolve();
        Kernel kernel = builder.boot();
        assertEquals(settings.ram(), kernel.machine().ramBytes());
        assertEquals(settings.frames(), kernel.machine().frames());
        assertEquals(settings.profile(), kernel.machine().profile());
        assertEquals(settings.describe(), kernel.configuration());
        assertEquals("test-pages", settings.pages());
    }
}
