package org.kmemlab.examples.web;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.examples.map.Owner;
import org.kmemlab.testkit.report.HtmlPage;
import org.kmemlab.testkit.report.Json;

/**
 * What one HTML replay page shows: one or more {@link Film films} (a lesson may boot several kernels,
 * {@code replay} one per trace), and the pool of text lines their {@code /proc} files and kernel logs are
 * made of.
 *
 * <p>{@link #write(Path)} writes the page: one self-contained file (see {@link HtmlPage}) whose script,
 * {@code replay.js}, draws the frame grid and the panels and replays the films step by step.
 */
public final class Recording {

    private final String title;
    private final List<Film> films = new ArrayList<>();
    private final Map<String, Integer> lineIds = new HashMap<>();
    private final List<String> lines = new ArrayList<>();

    /** Starts a recording whose page is titled {@code title}. */
    public Recording(String title) {
        this.title = title;
    }

    /** Starts a new film titled {@code title} (shown in the page's film chooser). */
    public synchronized Film film(String title) {
        Film film = new Film(this, title);
        films.add(film);
        return film;
    }

    /** Returns the films started so far. */
    public synchronized List<Film> films() {
        return List.copyOf(films);
    }

    /** Returns the pool numbers of {@code text}'s lines. */
    synchronized int[] lines(String text) {
        String[] split = text.split("\n", -1);
        int n = split.length > 0 && split[split.length - 1].isEmpty() ? split.length - 1 : split.length;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = line(split[i]);
        }
        return ids;
    }

    /** Returns the pool number of {@code line}, adding it when new. */
    synchronized int line(String line) {
        Integer id = lineIds.get(line);
        if (id == null) {
            id = lines.size();
            lines.add(line);
            lineIds.put(line, id);
        }
        return id;
    }

    /** Returns the page's data as JSON: title, owners, line pool and films. */
    public synchronized String json() {
        Json out = new Json().beginObject().field("title", title);
        out.key("owners").beginArray();
        for (Owner o : Owner.values()) {
            out.beginArray().string(o.name()).string(o.label()).string(String.format("#%06x", o.rgb())).endArray();
        }
        out.endArray().key("proc").beginArray();
        for (String file : Film.PROC_FILES) {
            out.string(file);
        }
        out.endArray().key("lines").beginArray();
        for (String line : lines) {
            out.string(line);
        }
        out.endArray().key("films").beginArray();
        for (Film film : films) {
            film.write(out);
        }
        return out.endArray().endObject().toString();
    }

    /**
     * Writes the page to {@code file}.
     *
     * @throws IllegalStateException when no film recorded a kernel (nothing to show)
     */
    public void write(Path file) throws IOException {
        boolean any = false;
        for (Film f : films()) {
            any |= f.kernel() != null;
        }
        if (!any) {
            throw new IllegalStateException("nothing was recorded: no kernel booted for page '" + title + "'");
        }
        Pages.write(file, title, "replay", json());
    }
}
