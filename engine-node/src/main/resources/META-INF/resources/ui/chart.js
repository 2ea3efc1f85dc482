import {LitElement, html} from 'lit';
import * as echarts from 'echarts';

/**
 * A time-series line chart drawn by ECharts. `series` is [{name, data: [[ms, value], ...]}];
 * the chart instance stays on the element (`.chart`) so that tests can read what it draws.
 */
export class EscChart extends LitElement {
  static properties = {heading: {}, unit: {}, series: {attribute: false}};

  createRenderRoot() {
    return this;
  }

  render() {
    return html`<h3>${this.heading}</h3><div class="plot"></div>`;
  }

  firstUpdated() {
    this.chart = echarts.init(this.querySelector('.plot'), null, {renderer: 'canvas'});
    this.resizer = new ResizeObserver(() => this.chart.resize());
    this.resizer.observe(this.querySelector('.plot'));
    this.draw();
  }

  updated(changed) {
    if (changed.has('series') && this.chart) this.draw();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.resizer?.disconnect();
    this.chart?.dispose();
    this.chart = null;
  }

  draw() {
    this.chart.setOption(
      {
        animation: false,
        grid: {left: 56, right: 16, top: 28, bottom: 28},
        legend: {top: 0},
        tooltip: {trigger: 'axis'},
        xAxis: {type: 'time'},
        yAxis: {type: 'value', name: this.unit, nameGap: 8},
        series: (this.series || []).map((s) => ({
          name: s.name,
          type: 'line',
          showSymbol: false,
          connectNulls: false,
          data: s.data,
        })),
      },
      {replaceMerge: ['series']},
    );
  }
}
customElements.define('esc-chart', EscChart);
