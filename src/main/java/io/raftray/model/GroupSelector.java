package io.raftray.model;

import java.util.List;
import java.util.Map;

/**
 * Which endpoints a group selects besides its explicit ids: an endpoint matches when every given
 * criterion holds (an empty one is not a criterion): its protocol is one of {@code protocols}, its
 * node carries every {@code nodeLabels} pair and the endpoint every {@code endpointLabels} pair.
 */
public record GroupSelector(
    List<Protocol> protocols, Map<String, String> nodeLabels, Map<String, String> endpointLabels) {

  public GroupSelector {
    protocols = protocols == null ? List.of() : List.copyOf(protocols);
    nodeLabels = Values.sortedStrings(nodeLabels);
    endpointLabels = Values.sortedStrings(endpointLabels);
  }

  /** Whether {@code e}, on {@code node} (null when unknown), matches. */
  public boolean matches(Endpoint e, Node node) {
    if (!protocols.isEmpty() && !protocols.contains(e.protocol())) {
      return false;
    }
    if (!nodeLabels.isEmpty()
        && (node == null || !node.labels().entrySet().containsAll(nodeLabels.entrySet()))) {
      return false;
    }
    return e.labels().entrySet().containsAll(endpointLabels.entrySet());
  }

  /** True when no criterion is set (such a selector is refused by the API). */
  public boolean noCriteria() {
    return protocols.isEmpty() && nodeLabels.isEmpty() && endpointLabels.isEmpty();
  }
}
