package io.raftray.cli;

public final class Main {
  public static void main(String[] args) {
    System.out.println("raftray " + Runtime.version());
  }
}
