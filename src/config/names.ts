// What a profile or saved message may be called.

/** Names of profiles and saved messages: what a shell and a slash command take without quoting. */
export const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
