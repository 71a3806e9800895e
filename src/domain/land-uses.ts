/** The five land uses of the RPA projections, in the order the raw file and the database use. */
export const LAND_USE_CODES = ['cr', 'ps', 'rg', 'fr', 'ur'] as const;
export type LandUseCode = (typeof LAND_USE_CODES)[number];

export const LAND_USE_KEYS = ['crop', 'pasture', 'rangeland', 'forest', 'urban'] as const;
export type LandUseKey = (typeof LAND_USE_KEYS)[number];

export const LAND_USE_CATEGORIES = ['Agriculture', 'Natural', 'Developed'] as const;
export type LandUseCategory = (typeof LAND_USE_CATEGORIES)[number];

export interface LandUse {
  /** Surrogate key in dim_landuse (1-based, stable). */
  readonly id: number;
  readonly code: LandUseCode;
  /** The word tools and the API use: crop, pasture, rangeland, forest, urban. */
  readonly key: LandUseKey;
  readonly name: string;
  readonly category: LandUseCategory;
  /** Words people use for it, lower case. */
  readonly aliases: readonly string[];
}

export const LAND_USES: readonly LandUse[] = [
  {
    id: 1,
    code: 'cr',
    key: 'crop',
    name: 'Crop',
    category: 'Agriculture',
    aliases: [
      'crop',
      'crops',
      'cropland',
      'croplands',
      'crop land',
      'cultivated',
      'cultivated land',
      'farmland',
      'farm land',
      'arable land',
    ],
  },
  {
    id: 2,
    code: 'ps',
    key: 'pasture',
    name: 'Pasture',
    category: 'Agriculture',
    aliases: [
      'pasture',
      'pastures',
      'pastureland',
      'pasture land',
      'hay',
      'hayland',
      'grazing land',
    ],
  },
  {
    id: 3,
    code: 'rg',
    key: 'rangeland',
    name: 'Rangeland',
    category: 'Natural',
    aliases: [
      'rangeland',
      'rangelands',
      'range',
      'range land',
      'grassland',
      'grasslands',
      'shrubland',
      'prairie',
    ],
  },
  {
    id: 4,
    code: 'fr',
    key: 'forest',
    name: 'Forest',
    category: 'Natural',
    aliases: [
      'forest',
      'forests',
      'forestland',
      'forest land',
      'forested land',
      'woodland',
      'woods',
      'timberland',
      'trees',
    ],
  },
  {
    id: 5,
    code: 'ur',
    key: 'urban',
    name: 'Urban',
    category: 'Developed',
    aliases: [
      'urban',
      'urban land',
      'developed',
      'developed land',
      'development',
      'built-up',
      'built up',
      'urbanization',
      'urbanisation',
      'urban area',
      'city',
      'cities',
      'urban sprawl',
    ],
  },
];

const byCode = new Map(LAND_USES.map((u) => [u.code, u]));
const byKey = new Map(LAND_USES.map((u) => [u.key, u]));

/** The land use with this raw-file code (cr, ps, rg, fr, ur), or undefined. */
export function landUseByCode(code: string): LandUse | undefined {
  return byCode.get(code as LandUseCode);
}

/** The land use with this key (crop, pasture, ...), or undefined. */
export function landUseByKey(key: string): LandUse | undefined {
  return byKey.get(key as LandUseKey);
}

/** Land uses in a category (Agriculture = Crop + Pasture, Natural = Rangeland + Forest, ...). */
export function landUsesInCategory(category: LandUseCategory): LandUse[] {
  return LAND_USES.filter((u) => u.category === category);
}
