/**
 * Telegram: cluster events as readable messages to admins' chats and read-only admin commands
 * ({@code /status}, {@code /user NAME}, {@code /node NAME}), over the Bot API with the JDK HTTP
 * client (docs/webhooks.md, "Telegram").
 *
 * <p>Invariants: the bot token is never logged nor part of an exception message (it is part of
 * every Bot API URL, so errors name the method only); only the Raft leader polls for commands (the
 * Bot API allows one {@code getUpdates} consumer per bot); commands never write.
 */
package io.raftray.telegram;
