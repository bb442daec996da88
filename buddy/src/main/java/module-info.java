/**
 * The reference buddy page allocator, chosen by the provider name {@code buddy-reference}.
 *
 * <p>The module exports nothing: its allocator is reached through {@link java.util.ServiceLoader} (or
 * {@code ProviderRegistry.load(PageAllocatorProvider.class).get("buddy-reference")}), exactly as a
 * student's allocator is. Read {@code org.kmemlab.buddy.BuddyAllocator} to learn the buddy system.
 */
module org.kmemlab.buddy {
    requires org.kmemlab.api;

    provides org.kmemlab.api.spi.PageAllocatorProvider with org.kmemlab.buddy.BuddyAllocatorProvider;
}
