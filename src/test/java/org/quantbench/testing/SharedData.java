package org.quantbench.testing;
public final class SharedData {
  public static java.nio.file.Path root() { String e = System.getenv("QUANTBENCH_SHARED");
    return java.nio.file.Path.of(e != null ? e : "../shared").toAbsolutePath().normalize(); }
  public static java.nio.file.Path require(String rel) { java.nio.file.Path p = root().resolve(rel);
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(p), "shared data missing (set QUANTBENCH_SHARED): " + p);
    return p; }
}
