package io.raftray.state;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The audit action name of a command record and who may submit it. Both are required, so a new
 * command cannot be added without deciding whether an admin or a node submits it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface Action {
  String value();

  /** Who may submit the command, checked by the leader ({@link Authority}). */
  Origin by();
}
