package org.kmemlab.testkit.contract.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.kmemlab.testkit.property.Action;

/**
 * Frees a list of handles in the given order: generated as "every live block (or object), shuffled",
 * and shrunk by dropping handles from the list, so a counterexample keeps only the frees that matter.
 *
 * @param labels the handles, in the order they are freed
 * @param noun what a handle is, for the trace: {@code blocks} or {@code objects}
 * @param <S> the chain's state
 */
public record FreeList<S extends LabelledState>(List<String> labels, String noun) implements Action<S> {

    /** Copies the labels. */
    public FreeList {
        labels = List.copyOf(labels);
    }

    /** Returns a free of every live handle in {@code s}, in an order fixed by {@code shuffle}. */
    public static <S extends LabelledState> FreeList<S> everyLive(S s, String noun, long shuffle) {
        List<String> labels = s.liveLabels();
        SplittableRandom random = new SplittableRandom(shuffle);
        for (int i = labels.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = labels.get(i);
            labels.set(i, labels.get(j));
            labels.set(j, t);
        }
        return new FreeList<>(labels, noun);
    }

    @Override
    public String describe() {
        if (labels.size() <= 8) {
            return "free(" + String.join("), free(", labels) + ")";
        }
        return "free " + labels.size() + " " + noun + ": " + String.join(", ", labels.subList(0, 4)) + ", …";
    }

    @Override
    public boolean precondition(S s) {
        for (String label : labels) {
            if (s.isLive(label)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Action<S> resolved(S s) {
        List<String> stillLive = new ArrayList<>();
        for (String label : labels) {
            if (s.isLive(label)) {
                stillLive.add(label);
            }
        }
        return stillLive.size() == labels.size() ? this : new FreeList<>(stillLive, noun);
    }

    @Override
    public String run(S s) {
        if (labels.size() == 1) {
            return s.freeLabel(labels.get(0));
        }
        for (String label : labels) {
            if (s.isLive(label)) {
                s.freeLabel(label);
            }
        }
        return "ok";
    }

    @Override
    public List<Action<S>> shrinks() {
        List<Action<S>> simpler = new ArrayList<>();
        int n = labels.size();
        if (n > 1) {
            simpler.add(new FreeList<>(labels.subList(0, n / 2), noun));
            simpler.add(new FreeList<>(labels.subList(n / 2, n), noun));
        }
        if (n <= 16) {
            for (int i = 0; i < n && n > 1; i++) {
                List<String> fewer = new ArrayList<>(labels);
                fewer.remove(i);
                simpler.add(new FreeList<>(fewer, noun));
            }
        }
        return simpler;
    }
}
