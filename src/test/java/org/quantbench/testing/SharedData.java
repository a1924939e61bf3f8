package org.quantbench.testing;
public final class SharedData {
  public static java.nio.file.Path root() { String e = System.getenv("QUANTBENCH_SHARED");
    return java.nio.file.Path.of(e != null ? e : "../shared").toAbsolutePath().normalize(); }
  public static java.nio.file.Path require(String rel) { java.nio.file.Path p = root().resolve(rel);
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(p), "shared data missing (set QUANTBENCH_SHARED): " + p);
    return p; }

  /**
   * An MMLU folder under {@code dir} holding only these subjects (links to the shared test and dev CSVs), to keep a
   * group run short.
   */
  public static java.nio.file.Path mmluSubjects(java.nio.file.Path dir, String... subjects) throws java.io.IOException {
    java.nio.file.Path data = require("data/mmlu/data");
    java.nio.file.Path mmlu = dir.resolve("mmlu");
    for (String split : new String[] {"test", "dev"}) {
      java.nio.file.Files.createDirectories(mmlu.resolve(split));
      for (String subject : subjects) {
        String name = subject + "_" + split + ".csv";
        java.nio.file.Files.createSymbolicLink(mmlu.resolve(split).resolve(name), data.resolve(split).resolve(name));
      }
    }
    return mmlu; }
}
