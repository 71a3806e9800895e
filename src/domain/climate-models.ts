/** The five general circulation models (GCMs) behind the 20 RPA runs. */
export interface ClimateModel {
  readonly id: number;
  /** Name as it appears in run names and dim_climate_model.climate_model. */
  readonly name: string;
  /** The RPA's one-word description of the model's climate. */
  readonly nickname: string;
  readonly aliases: readonly string[];
}

export const CLIMATE_MODELS: readonly ClimateModel[] = [
  {
    id: 1,
    name: 'CNRM_CM5',
    nickname: 'wet',
    aliases: ['cnrm', 'cnrm-cm5', 'the wet model', 'wettest'],
  },
  {
    id: 2,
    name: 'HadGEM2_ES365',
    nickname: 'hot',
    aliases: [
      'hadgem',
      'hadgem2',
      'hadgem2-es',
      'hadgem2-es365',
      'the hot model',
      'hottest',
      'warmest',
    ],
  },
  {
    id: 3,
    name: 'IPSL_CM5A_MR',
    nickname: 'dry',
    aliases: ['ipsl', 'ipsl-cm5a-mr', 'the dry model', 'driest'],
  },
  {
    id: 4,
    name: 'MRI_CGCM3',
    nickname: 'least warm',
    aliases: [
      'mri',
      'mri-cgcm3',
      'the least warm model',
      'the coolest model',
      'the cool model',
      'coolest',
    ],
  },
  {
    id: 5,
    name: 'NorESM1_M',
    nickname: 'middle',
    aliases: ['noresm', 'noresm1', 'noresm1-m', 'the middle model'],
  },
];

const byName = new Map(CLIMATE_MODELS.map((m) => [m.name.toLowerCase(), m]));

/** The climate model with this exact run-name spelling (case-insensitive), or undefined. */
export function climateModelByName(name: string): ClimateModel | undefined {
  return byName.get(name.toLowerCase());
}
