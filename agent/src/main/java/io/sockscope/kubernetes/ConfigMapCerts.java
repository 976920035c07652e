package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CA bundles in ConfigMaps ({@code ca.crt}, trust-manager bundles): PEM text in {@code data},
 * keystores or DER in {@code binaryData}. Everything else (dashboards, configuration files) is
 * dropped before the informer caches the object, so a namespace full of large ConfigMaps costs
 * the prober one decode per change, not their size in memory.
 */
final class ConfigMapCerts {
  private ConfigMapCerts() {}

  static ConfigMap stripped(ConfigMap map) {
    var meta = map.getMetadata();
    Map<String, byte[]> entries = new TreeMap<>();
    if (map.getData() != null) {
      map.getData().forEach((k, v) -> entries.put(k, v == null ? null : CertificateData.utf8(v)));
    }
    if (map.getBinaryData() != null) {
      map.getBinaryData().forEach((k, v) -> {
        try {
          entries.putIfAbsent(k, v == null ? null : Base64.getMimeDecoder().decode(v));
        } catch (IllegalArgumentException e) {
          // not base64: no certificate in it
        }
      });
    }
    Map<String, String> data = new HashMap<>(CertificateData.certificatesOnly(
        "configmap " + meta.getNamespace() + "/" + meta.getName(), entries, null));
    map.setData(data);
    map.setBinaryData(null);
    String owner = meta.getAnnotations() == null ? null : meta.getAnnotations().get(TargetRules.OWNER);
    meta.setAnnotations(owner == null ? null : Map.of(TargetRules.OWNER, owner));
    meta.setManagedFields(null);
    return map;
  }
}
