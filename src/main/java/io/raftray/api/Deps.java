package io.raftray.api;

import io.raftray.state.Replicated;
import java.time.Clock;

/** What every handler needs: the replicated state, the clock, the settings and the auth gate. */
record Deps(Replicated backend, Clock clock, ApiSettings settings, Auth auth) {}
