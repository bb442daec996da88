package org.kmemlab.testkit.contract.zone;

import java.time.Duration;
import java.util.List;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.Randomness;
import org.kmemlab.testkit.property.StateMachine;

/**
 * A zone allocator property as a {@link StateMachine}: boot a machine of one of the geometries, create
 * the allocator under test with page allocators from the configured provider (tracked), and run the
 * steps a {@link Steps} generator chooses, checking {@link ZoneInvariants} after each.
 */
final class ZoneChain implements StateMachine<ZoneState> {

    /** Chooses the next step of a chain: random mixes and fixed scenarios alike. */
    interface Steps {

        /**
         * Returns step number {@code index} (from 0) for {@code state}, or null to end the chain.
         *
         * @param random the chain's action randomness; a fixed scenario ignores it
         */
        Action<ZoneState> next(ZoneState state, Randomness random, int index);
    }

    /** Mixed into the draw of each try's machine, so that the properties of one seed boot different ones. */
    private final long salt;
    private final ZoneAllocatorProvider zones;
    private final PageAllocatorProvider pages;
    private final List<Geometry> geometries;
    private final Duration maxWait;
    private final Steps steps;

    ZoneChain(String propertyId, ZoneAllocatorProvider zones, PageAllocatorProvider pages, List<Geometry> geometries,
              Duration maxWait, Steps steps) {
        this.salt = propertyId.hashCode() * 0x9E37_79B9_7F4A_7C15L;
        this.zones = zones;
        this.pages = pages;
        this.geometries = geometries;
        this.maxWait = maxWait;
        this.steps = steps;
    }

    @Override
    public ZoneState setUp(Randomness random) {
        // Every property runs with the same seed; drawn alone, the machine of try N would be the same in all
        // of them (all seven scenarios of a seed on the x86_64 machine, say). The property's salt tells them
        // apart, and the draw stays a function of the seed, so a replay boots the same machine.
        Geometry geometry = geometries.get(new java.util.SplittableRandom(random.nextLong() ^ salt)
                .nextInt(geometries.size()));
        Machine machine = geometry.boot();
        TrackingPageAllocators tracked = new TrackingPageAllocators(pages);
        ZoneAllocator sut = zones.create(new ZoneAllocatorConfig(machine, tracked, machine.profile().era(), maxWait, 0));
        ZoneModel model = new ZoneModel(machine);
        ZoneState state = new ZoneState(geometry, machine, maxWait, tracked, sut, model, sut.zoneinfo());
        ZoneInvariants.checkBoot(state);
        return state;
    }

    @Override
    public String describeSetUp(ZoneState s) {
        return "zones = create(boot(" + s.geometry + "), pages " + pages.name() + ", maxWait " + maxWait.toMillis()
                + " ms)";
    }

    @Override
    public Action<ZoneState> nextAction(ZoneState state, Randomness random) {
        return steps.next(state, random, state.generated++);
    }

    @Override
    public void checkInvariants(ZoneState state) {
        ZoneInvariants.check(state);
    }

    /** Draws each zone's zoneinfo record beside the model for the failure page ({@link ZonePicture}). */
    @Override
    public org.kmemlab.testkit.property.Snapshot snapshot(ZoneState state) {
        return ZonePicture.of(state);
    }

    @Override
    public long exercised(ZoneState state) {
        return state.model.exercised;
    }
}
