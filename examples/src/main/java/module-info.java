/**
 * The {@code kmemlab} command line.
 */
module org.kmemlab.examples {
    requires org.kmemlab.api;
}
