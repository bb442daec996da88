package org.kmemlab.api.spi;

/**
 * A provider could not be chosen: no provider has the name asked for, two providers share a name, or
 * a provider failed to load. The message lists the names that were found.
 */
public final class ProviderLookupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that says what was looked for and what was found. */
    public ProviderLookupException(String message) {
        super(message);
    }

    /** Creates an exception for a provider that failed to load. */
    public ProviderLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
