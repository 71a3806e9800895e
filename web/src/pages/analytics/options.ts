/** The choices of the analytics page: scenarios, metrics, periods and regions. */

export const SCENARIOS = [
  { code: 'OVERALL', name: 'Ensemble mean (all 20 runs)' },
  { code: 'LM', name: 'LM: lower warming, moderate growth (RCP4.5/SSP1)' },
  { code: 'HM', name: 'HM: high warming, moderate growth (RCP8.5/SSP2)' },
  { code: 'HL', name: 'HL: high warming, low growth (RCP8.5/SSP3)' },
  { code: 'HH', name: 'HH: high warming, high growth (RCP8.5/SSP5)' },
];
export const FLOW_METRICS: Record<string, string> = {
  urban_expansion: 'Urban expansion (acres)',
  forest_loss: 'Forest loss (acres)',
  forest_gain: 'Forest gain (acres)',
  forest_net: 'Net forest change (acres)',
  ag_loss: 'Agricultural land loss (acres)',
  crop_loss: 'Cropland loss (acres)',
  pasture_loss: 'Pasture loss (acres)',
};
export const MAP_METRICS: Record<string, string> = {
  ...FLOW_METRICS,
  urban_change_pct: 'Urban area change (%)',
  forest_change_pct: 'Forest area change (%)',
  crop_change_pct: 'Cropland area change (%)',
  pasture_change_pct: 'Pasture area change (%)',
  rangeland_change_pct: 'Rangeland area change (%)',
  urban_area: 'Urban area at the end year (acres)',
  forest_area: 'Forest area at the end year (acres)',
  crop_area: 'Cropland area at the end year (acres)',
};
export const PERIODS = ['2020-2070', '2020-2030', '2020-2050', '2030-2050', '2050-2070'];
export const REGIONS = ['', 'South', 'North', 'Rocky Mountain', 'Pacific Coast'];
/** The five land uses, in the order the transitions show them. */
export const LAND_USES = ['crop', 'pasture', 'rangeland', 'forest', 'urban'];
