package io.sockscope.injector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pod annotation {@code sockscope.io/certificate-files} (docs/sidecar.md, "Certificate
 * files"): the application's certificate files, as the application container sees them, for the
 * sidecar's three-way parity. For each file the injector mounts the application's volume into the
 * sidecar <em>read-only, the same way</em> (same volume, same {@code subPath}), under {@link #ROOT},
 * and adds a {@code --certificate-file} flag. Mounting the same {@code subPath} matters: the
 * kubelet resolves a {@code subPath} once, at container start, so the sidecar's copy is frozen
 * exactly like the application's, which is what makes a stale {@code subPath} file visible.
 *
 * <p>Value: entries separated by {@code ;}, each {@code PATH[,port=N][,secret=NAME][,key=K]
 * [,serverName=S][,format=F][,passwordFile=PATH|,passwordEnv=VAR]} (the flag's settings). {@code
 * secret} defaults to the Secret of the path's volume ({@code secret.secretName}, or the one Secret
 * of a projected volume), {@code key} to the volume item that maps to the file, else the file's
 * name. A {@code passwordFile} is mounted the same way; a {@code passwordEnv} variable is copied
 * from the application container. An entry whose path no container mounts, or whose Secret cannot
 * be told, is skipped with a warning that the API server hands back to whoever created the pod
 * ({@code kubectl} prints it): the injector never rejects or breaks a pod.
 */
final class AppCertificateFiles {
  static final String ANNOTATION = "sockscope.io/certificate-files";
  /** Where the application's paths appear in the sidecar: {@code ROOT + path}. */
  static final String ROOT = "/etc/sockscope/app";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AppCertificateFiles() {}

  /**
   * Adds mounts, flags and variables to {@code sidecar} for the pod's annotation, in place.
   *
   * @return one warning per skipped entry, saying why (empty when every entry was taken)
   */
  static List<String> addTo(ObjectNode sidecar, JsonNode pod) {
    String value = pod.path("metadata").path("annotations").path(ANNOTATION).asString("");
    List<String> warnings = new ArrayList<>();
    if (value.isBlank()) {
      return warnings;
    }
    JsonNode spec = pod.path("spec");
    Map<String, JsonNode> mounts = new LinkedHashMap<>(); // sidecar mountPath -> mount
    List<String> flags = new ArrayList<>();
    List<JsonNode> env = new ArrayList<>();
    for (String entry : value.split(";")) {
      String[] parts = entry.strip().split(",");
      if (parts[0].isBlank()) {
        continue;
      }
      Found file = find(spec, parts[0].strip());
      if (file == null) {
        warnings.add(skipped(parts[0], "no container of the pod mounts this path"));
        continue;
      }
      Map<String, String> settings = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        if (eq > 0) {
          settings.put(parts[i].substring(0, eq).strip(), parts[i].substring(eq + 1).strip());
        }
      }
      settings.computeIfAbsent("secret", k -> secretOf(spec, file.volume()));
      if (settings.get("secret") == null) {
        warnings.add(skipped(parts[0], "its volume is not one Secret; name it with secret=NAME"));
        continue;
      }
      settings.computeIfAbsent("key", k -> keyOf(spec, file));
      if (settings.containsKey("passwordFile")) {
        Found password = find(spec, settings.get("passwordFile"));
        if (password == null) {
          warnings.add(skipped(parts[0], "no container mounts passwordFile " + settings.get("passwordFile")));
          continue;
        }
        mounts.putIfAbsent(password.sidecarMount().path("mountPath").asString(), password.sidecarMount());
        settings.put("passwordFile", ROOT + settings.get("passwordFile"));
      }
      if (settings.containsKey("passwordEnv")) {
        JsonNode variable = variable(file.container(), settings.get("passwordEnv"));
        if (variable == null) {
          warnings.add(skipped(parts[0], "its container has no variable " + settings.get("passwordEnv")));
          continue;
        }
        env.add(variable);
      }
      mounts.putIfAbsent(file.sidecarMount().path("mountPath").asString(), file.sidecarMount());
      StringBuilder flag = new StringBuilder(ROOT).append(file.path());
      settings.forEach((k, v) -> {
        if (v != null) {
          flag.append(',').append(k).append('=').append(v);
        }
      });
      flags.add(flag.toString());
    }
    ArrayNode volumeMounts = array(sidecar, "volumeMounts");
    mounts.values().forEach(volumeMounts::add);
    ArrayNode args = array(sidecar, "args");
    flags.forEach(f -> args.add("--certificate-file").add(f));
    if (!env.isEmpty()) {
      ArrayNode vars = array(sidecar, "env");
      env.forEach(vars::add);
    }
    return warnings;
  }

  private static String skipped(String path, String why) {
    return ANNOTATION + ": " + path.strip() + " skipped: " + why;
  }

  /** A file found under an application container's mount. */
  private record Found(String path, JsonNode container, JsonNode mount, String volume) {
    /** The same volume and subPath, read-only, at {@code ROOT + mountPath}. */
    ObjectNode sidecarMount() {
      ObjectNode m = NODES.objectNode();
      m.put("mountPath", ROOT + mount.path("mountPath").asString());
      m.put("name", volume);
      m.put("readOnly", true);
      for (String f : new String[] {"subPath", "subPathExpr"}) {
        if (mount.hasNonNull(f)) {
          m.put(f, mount.get(f).asString());
        }
      }
      return m;
    }

    /** The file's path inside the volume (for an item's key). */
    String inVolume() {
      String mountPath = mount.path("mountPath").asString();
      String sub = mount.path("subPath").asString("");
      String rest = path.equals(mountPath) ? "" : path.substring(mountPath.length() + 1);
      return sub.isEmpty() ? rest : rest.isEmpty() ? sub : sub + "/" + rest;
    }
  }

  /** The longest mount of a non-sidecar container that holds {@code path}. */
  private static Found find(JsonNode spec, String path) {
    Found best = null;
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : spec.path(list)) {
        if (SidecarSpec.CONTAINER_NAME.equals(c.path("name").asString(""))) {
          continue;
        }
        for (JsonNode m : c.path("volumeMounts")) {
          String mp = m.path("mountPath").asString("").replaceAll("/+$", "");
          if (!mp.isEmpty() && (path.equals(mp) || path.startsWith(mp + "/"))
              && (best == null || mp.length() > best.mount().path("mountPath").asString().length())) {
            best = new Found(path, c, m, m.path("name").asString());
          }
        }
      }
    }
    return best;
  }

  private static JsonNode volume(JsonNode spec, String name) {
    for (JsonNode v : spec.path("volumes")) {
      if (name.equals(v.path("name").asString(""))) {
        return v;
      }
    }
    return NODES.missingNode();
  }

  /** {@code secret.secretName}, or the only Secret of a projected volume; null otherwise. */
  private static String secretOf(JsonNode spec, String volumeName) {
    JsonNode v = volume(spec, volumeName);
    if (v.path("secret").hasNonNull("secretName")) {
      return v.path("secret").path("secretName").asString();
    }
    List<String> secrets = new ArrayList<>();
    for (JsonNode s : v.path("projected").path("sources")) {
      if (s.path("secret").hasNonNull("name")) {
        secrets.add(s.path("secret").path("name").asString());
      }
    }
    return secrets.size() == 1 ? secrets.getFirst() : null;
  }

  /** The item whose path is the file, else the file's name (a Secret volume names files by key). */
  private static String keyOf(JsonNode spec, Found file) {
    JsonNode v = volume(spec, file.volume());
    List<JsonNode> items = new ArrayList<>();
    v.path("secret").path("items").forEach(items::add);
    v.path("projected").path("sources").forEach(s -> s.path("secret").path("items").forEach(items::add));
    String inVolume = file.inVolume();
    for (JsonNode item : items) {
      if (inVolume.equals(item.path("path").asString(""))) {
        return item.path("key").asString();
      }
    }
    return inVolume.substring(inVolume.lastIndexOf('/') + 1);
  }

  private static JsonNode variable(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (name.equals(e.path("name").asString(""))) {
        return e.deepCopy();
      }
    }
    return null;
  }

  private static ArrayNode array(ObjectNode node, String field) {
    JsonNode a = node.path(field);
    return a.isArray() ? (ArrayNode) a : node.putArray(field);
  }
}
