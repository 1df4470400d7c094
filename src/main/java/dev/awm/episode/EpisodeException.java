package dev.awm.episode;

/** Why an episode operation was refused, in words for the caller; each face maps the kind to its own status or code. */
public final class EpisodeException extends RuntimeException {

    public enum Kind {
        /** The request names no world, no task, a bad value... */
        BAD_REQUEST,
        /** No live episode has that id (never existed, deleted, or reclaimed after being idle). */
        NOT_FOUND,
        /** As many episodes are live as the server allows; retry after some are deleted or reclaimed. */
        AT_CAPACITY,
        /** The episode has ended (a final answer was given); reset it or start another. */
        ENDED
    }

    public final Kind kind;

    public EpisodeException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }
}
