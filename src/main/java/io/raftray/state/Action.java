package io.raftray.state;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The audit action name of a command record. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface Action {
  String value();
}
