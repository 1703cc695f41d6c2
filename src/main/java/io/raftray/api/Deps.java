package io.raftray.api;

import io.raftray.state.Replica;
import java.time.Clock;

/** What every handler needs: the replicated state, the clock, the settings and the auth gate. */
record Deps(Replica replica, Clock clock, ApiSettings settings, Auth auth) {}
