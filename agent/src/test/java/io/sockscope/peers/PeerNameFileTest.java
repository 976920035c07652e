package io.sockscope.peers;

import io.sockscope.util.MountedFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar's reading of the mounted table, on files laid out exactly as the kubelet does. */
class PeerNameFileTest {
  @TempDir Path dir;

  private PeerNameFile file() {
    return new PeerNameFile(dir.resolve(PeerNameTable.KEY), Duration.ofHours(1)); // checked by hand
  }

  @Test
  void missingFileMeansIpsAndNoError() {
    PeerNameFile f = file();
    f.check();
    assertThat(f.nameOf("10.0.0.1")).isEmpty();
    assertThat(f.errors(MountedFile.Error.MALFORMED) + f.errors(MountedFile.Error.UNREADABLE)).isZero();
  }

  @Test
  void eachAtomicSwapOfDataIsTakenOnce() throws Exception {
    KubeletAtomicWriter kubelet = new KubeletAtomicWriter(dir);
    kubelet.write(Map.of(PeerNameTable.KEY, table(Map.of("10.0.0.1", "api.ns"))));
    PeerNameFile f = file();
    f.check();
    assertThat(f.nameOf("10.0.0.1")).contains("api.ns");
    assertThat(f.nameOf("::ffff:10.0.0.2")).isEmpty();
    long loaded = f.loadedAtMillis();
    Thread.sleep(5);
    f.check(); // same ..data target: not read again
    assertThat(f.loadedAtMillis()).isEqualTo(loaded);

    kubelet.write(Map.of(PeerNameTable.KEY, table(Map.of("10.0.0.1", "api.ns", "fd00::7", "db.ns"))));
    f.check();
    assertThat(f.nameOf("fd00:0:0:0:0:0:0:7")).contains("db.ns");
    assertThat(f.size()).isEqualTo(2);
    assertThat(Files.readSymbolicLink(dir.resolve("..data")).toString()).startsWith("..20");
  }

  @Test
  void aMalformedVersionCountsOneErrorAndKeepsTheLastGoodTable() throws Exception {
    KubeletAtomicWriter kubelet = new KubeletAtomicWriter(dir);
    kubelet.write(Map.of(PeerNameTable.KEY, table(Map.of("10.0.0.1", "api.ns"))));
    PeerNameFile f = file();
    f.check();
    kubelet.write(Map.of(PeerNameTable.KEY, "10.0.0.9 web.ns\nnot-an-ip api.ns\n"));
    f.check();
    f.check(); // the same bad version is not counted twice
    assertThat(f.errors(MountedFile.Error.MALFORMED)).isEqualTo(1);
    assertThat(f.nameOf("10.0.0.1")).contains("api.ns");
    assertThat(f.nameOf("10.0.0.9")).isEmpty(); // nothing of the bad version is used

    kubelet.write(Map.of(PeerNameTable.KEY, table(Map.of("10.0.0.9", "web.ns"))));
    f.check();
    assertThat(f.nameOf("10.0.0.9")).contains("web.ns");
    assertThat(f.nameOf("10.0.0.1")).isEmpty();
  }

  @Test
  void aPlainFileIsReReadWhenItChanges() throws Exception {
    Path plain = dir.resolve("plain");
    Files.writeString(plain, table(Map.of("10.0.0.1", "a.ns")));
    PeerNameFile f = new PeerNameFile(plain, Duration.ofHours(1));
    f.check();
    assertThat(f.nameOf("10.0.0.1")).contains("a.ns");
    Files.writeString(plain, table(Map.of("10.0.0.1", "bb.ns")));
    Files.setLastModifiedTime(plain, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    f.check();
    assertThat(f.nameOf("10.0.0.1")).contains("bb.ns");
  }

  @Test
  void formatIsBoundedAndSaysWhatItCut() {
    Map<String, String> names = new java.util.HashMap<>();
    for (int i = 0; i < 300; i++) {
      names.put("10.1." + (i / 256) + "." + (i % 256), "svc" + i + ".ns");
    }
    var f = new PeerNameTable(names).format(100);
    assertThat(f.entries()).isEqualTo(100);
    assertThat(f.cut()).isEqualTo(200);
    assertThat(PeerNameTable.parse(f.text()).size()).isEqualTo(100);
    assertThat(f.text()).startsWith(PeerNameTable.HEADER);
  }

  static String table(Map<String, String> names) {
    return new PeerNameTable(names).format(Integer.MAX_VALUE).text();
  }
}
