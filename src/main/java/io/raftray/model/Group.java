package io.raftray.model;

import java.time.Instant;
import java.util.List;

/**
 * A named set of endpoints: {@code endpointIds} plus, when {@code selector} is not null, every
 * endpoint it matches (now or later: a new endpoint that matches is in the group at once). Members
 * are the users whose {@link User#groupIds()} name it; their access is computed from the state, so
 * no per-user write follows a group or endpoint change.
 *
 * <p>The component order is the JSON field order of snapshots and log entries: append new
 * components at the end.
 */
public record Group(
    String id,
    String name,
    String description,
    List<String> endpointIds,
    GroupSelector selector,
    Instant createdAt,
    Instant updatedAt) {

  public Group {
    description = description == null ? "" : description;
    endpointIds = endpointIds == null ? List.of() : List.copyOf(endpointIds);
  }

  /** Whether this group gives access to {@code e}, on {@code node} (null when unknown). */
  public boolean selects(Endpoint e, Node node) {
    return endpointIds.contains(e.id()) || (selector != null && selector.matches(e, node));
  }
}
