package io.sockscope.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartRenderTest {
  @Test
  void defaultsRender() {
    RenderedChart c = RenderedChart.render(Map.of("injector.enabled", true, "prometheusRule.enabled", true, "grafana.dashboards.enabled", true));
    System.out.println(c.yaml());
    assertThat(c.objects()).isNotEmpty();
  }
}
