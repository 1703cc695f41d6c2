package io.raftray.model;

/** One problem with one input field; {@code field} is the snake_case JSON name. */
public record FieldError(String field, String message) {}
