// Derived from the GS1 EPCIS 2.0 JSON-LD context (gs1/EPCIS, JSON-LD-Context/*.jsonld, commit 2b888bef).
// Each pair is (bare term, full IRI). `cbv::tests` checks agreement with the originals in ../shared.

pub(crate) const BIZ_STEPS: &[(&str, &str)] = &[
    ("accepting", "https://ref.gs1.org/cbv/BizStep-accepting"),
    ("arriving", "https://ref.gs1.org/cbv/BizStep-arriving"),
    ("assembling", "https://ref.gs1.org/cbv/BizStep-assembling"),
    ("collecting", "https://ref.gs1.org/cbv/BizStep-collecting"),
    (
        "commissioning",
        "https://ref.gs1.org/cbv/BizStep-commissioning",
    ),
    ("consigning", "https://ref.gs1.org/cbv/BizStep-consigning"),
    (
        "creating_class_instance",
        "https://ref.gs1.org/cbv/BizStep-creating_class_instance",
    ),
    (
        "cycle_counting",
        "https://ref.gs1.org/cbv/BizStep-cycle_counting",
    ),
    (
        "decommissioning",
        "https://ref.gs1.org/cbv/BizStep-decommissioning",
    ),
    ("departing", "https://ref.gs1.org/cbv/BizStep-departing"),
    ("destroying", "https://ref.gs1.org/cbv/BizStep-destroying"),
    (
        "disassembling",
        "https://ref.gs1.org/cbv/BizStep-disassembling",
    ),
    ("dispensing", "https://ref.gs1.org/cbv/BizStep-dispensing"),
    ("encoding", "https://ref.gs1.org/cbv/BizStep-encoding"),
    (
        "entering_exiting",
        "https://ref.gs1.org/cbv/BizStep-entering_exiting",
    ),
    ("holding", "https://ref.gs1.org/cbv/BizStep-holding"),
    ("inspecting", "https://ref.gs1.org/cbv/BizStep-inspecting"),
    ("installing", "https://ref.gs1.org/cbv/BizStep-installing"),
    ("killing", "https://ref.gs1.org/cbv/BizStep-killing"),
    ("loading", "https://ref.gs1.org/cbv/BizStep-loading"),
    ("other", "https://ref.gs1.org/cbv/BizStep-other"),
    ("packing", "https://ref.gs1.org/cbv/BizStep-packing"),
    ("picking", "https://ref.gs1.org/cbv/BizStep-picking"),
    ("receiving", "https://ref.gs1.org/cbv/BizStep-receiving"),
    ("removing", "https://ref.gs1.org/cbv/BizStep-removing"),
    ("repackaging", "https://ref.gs1.org/cbv/BizStep-repackaging"),
    ("repairing", "https://ref.gs1.org/cbv/BizStep-repairing"),
    ("replacing", "https://ref.gs1.org/cbv/BizStep-replacing"),
    ("reserving", "https://ref.gs1.org/cbv/BizStep-reserving"),
    (
        "retail_selling",
        "https://ref.gs1.org/cbv/BizStep-retail_selling",
    ),
    ("sampling", "https://ref.gs1.org/cbv/BizStep-sampling"),
    (
        "sensor_reporting",
        "https://ref.gs1.org/cbv/BizStep-sensor_reporting",
    ),
    ("shipping", "https://ref.gs1.org/cbv/BizStep-shipping"),
    (
        "staging_outbound",
        "https://ref.gs1.org/cbv/BizStep-staging_outbound",
    ),
    (
        "stock_taking",
        "https://ref.gs1.org/cbv/BizStep-stock_taking",
    ),
    ("stocking", "https://ref.gs1.org/cbv/BizStep-stocking"),
    ("storing", "https://ref.gs1.org/cbv/BizStep-storing"),
    (
        "transporting",
        "https://ref.gs1.org/cbv/BizStep-transporting",
    ),
    ("unloading", "https://ref.gs1.org/cbv/BizStep-unloading"),
    ("unpacking", "https://ref.gs1.org/cbv/BizStep-unpacking"),
    (
        "void_shipping",
        "https://ref.gs1.org/cbv/BizStep-void_shipping",
    ),
];

pub(crate) const DISPOSITIONS: &[(&str, &str)] = &[
    ("active", "https://ref.gs1.org/cbv/Disp-active"),
    ("available", "https://ref.gs1.org/cbv/Disp-available"),
    (
        "completeness_verified",
        "https://ref.gs1.org/cbv/Disp-completeness_verified",
    ),
    (
        "completeness_inferred",
        "https://ref.gs1.org/cbv/Disp-completeness_inferred",
    ),
    ("conformant", "https://ref.gs1.org/cbv/Disp-conformant"),
    (
        "container_closed",
        "https://ref.gs1.org/cbv/Disp-container_closed",
    ),
    (
        "container_open",
        "https://ref.gs1.org/cbv/Disp-container_open",
    ),
    ("damaged", "https://ref.gs1.org/cbv/Disp-damaged"),
    ("destroyed", "https://ref.gs1.org/cbv/Disp-destroyed"),
    ("dispensed", "https://ref.gs1.org/cbv/Disp-dispensed"),
    ("disposed", "https://ref.gs1.org/cbv/Disp-disposed"),
    ("encoded", "https://ref.gs1.org/cbv/Disp-encoded"),
    ("expired", "https://ref.gs1.org/cbv/Disp-expired"),
    ("in_progress", "https://ref.gs1.org/cbv/Disp-in_progress"),
    ("in_transit", "https://ref.gs1.org/cbv/Disp-in_transit"),
    ("inactive", "https://ref.gs1.org/cbv/Disp-inactive"),
    (
        "mismatch_instance",
        "https://ref.gs1.org/cbv/Disp-mismatch_instance",
    ),
    (
        "mismatch_class",
        "https://ref.gs1.org/cbv/Disp-mismatch_class",
    ),
    (
        "mismatch_quantity",
        "https://ref.gs1.org/cbv/Disp-mismatch_quantity",
    ),
    (
        "needs_replacement",
        "https://ref.gs1.org/cbv/Disp-needs_replacement",
    ),
    (
        "no_pedigree_match",
        "https://ref.gs1.org/cbv/Disp-no_pedigree_match",
    ),
    (
        "non_conformant",
        "https://ref.gs1.org/cbv/Disp-non_conformant",
    ),
    (
        "non_sellable_other",
        "https://ref.gs1.org/cbv/Disp-non_sellable_other",
    ),
    (
        "partially_dispensed",
        "https://ref.gs1.org/cbv/Disp-partially_dispensed",
    ),
    ("recalled", "https://ref.gs1.org/cbv/Disp-recalled"),
    ("reserved", "https://ref.gs1.org/cbv/Disp-reserved"),
    ("retail_sold", "https://ref.gs1.org/cbv/Disp-retail_sold"),
    ("returned", "https://ref.gs1.org/cbv/Disp-returned"),
    (
        "sellable_accessible",
        "https://ref.gs1.org/cbv/Disp-sellable_accessible",
    ),
    (
        "sellable_not_accessible",
        "https://ref.gs1.org/cbv/Disp-sellable_not_accessible",
    ),
    ("stolen", "https://ref.gs1.org/cbv/Disp-stolen"),
    ("unavailable", "https://ref.gs1.org/cbv/Disp-unavailable"),
    ("unknown", "https://ref.gs1.org/cbv/Disp-unknown"),
];

pub(crate) const BIZ_TRANSACTION_TYPES: &[(&str, &str)] = &[
    ("bol", "https://ref.gs1.org/cbv/BTT-bol"),
    ("cert", "https://ref.gs1.org/cbv/BTT-cert"),
    ("desadv", "https://ref.gs1.org/cbv/BTT-desadv"),
    ("inv", "https://ref.gs1.org/cbv/BTT-inv"),
    ("pedigree", "https://ref.gs1.org/cbv/BTT-pedigree"),
    ("po", "https://ref.gs1.org/cbv/BTT-po"),
    ("poc", "https://ref.gs1.org/cbv/BTT-poc"),
    ("prodorder", "https://ref.gs1.org/cbv/BTT-prodorder"),
    ("recadv", "https://ref.gs1.org/cbv/BTT-recadv"),
    ("rma", "https://ref.gs1.org/cbv/BTT-rma"),
    ("testprd", "https://ref.gs1.org/cbv/BTT-testprd"),
    ("testres", "https://ref.gs1.org/cbv/BTT-testres"),
    ("upevt", "https://ref.gs1.org/cbv/BTT-upevt"),
];

pub(crate) const SOURCE_DEST_TYPES: &[(&str, &str)] = &[
    ("owning_party", "https://ref.gs1.org/cbv/SDT-owning_party"),
    (
        "possessing_party",
        "https://ref.gs1.org/cbv/SDT-possessing_party",
    ),
    ("location", "https://ref.gs1.org/cbv/SDT-location"),
];

pub(crate) const ERROR_REASONS: &[(&str, &str)] = &[
    ("did_not_occur", "https://ref.gs1.org/cbv/ER-did_not_occur"),
    (
        "incorrect_data",
        "https://ref.gs1.org/cbv/ER-incorrect_data",
    ),
];

pub(crate) const COMPONENTS: &[(&str, &str)] = &[
    ("x", "https://ref.gs1.org/cbv/Comp-x"),
    ("y", "https://ref.gs1.org/cbv/Comp-y"),
    ("z", "https://ref.gs1.org/cbv/Comp-z"),
    (
        "axial_distance",
        "https://ref.gs1.org/cbv/Comp-axial_distance",
    ),
    ("azimuth", "https://ref.gs1.org/cbv/Comp-azimuth"),
    ("height", "https://ref.gs1.org/cbv/Comp-height"),
    (
        "spherical_radius",
        "https://ref.gs1.org/cbv/Comp-spherical_radius",
    ),
    ("polar_angle", "https://ref.gs1.org/cbv/Comp-polar_angle"),
    (
        "elevation_angle",
        "https://ref.gs1.org/cbv/Comp-elevation_angle",
    ),
    ("easting", "https://ref.gs1.org/cbv/Comp-easting"),
    ("northing", "https://ref.gs1.org/cbv/Comp-northing"),
    ("latitude", "https://ref.gs1.org/cbv/Comp-latitude"),
    ("longitude", "https://ref.gs1.org/cbv/Comp-longitude"),
    ("altitude", "https://ref.gs1.org/cbv/Comp-altitude"),
];

pub(crate) const MEASUREMENT_TYPES: &[(&str, &str)] = &[
    ("AbsoluteHumidity", "https://gs1.org/voc/AbsoluteHumidity"),
    ("AbsorbedDose", "https://gs1.org/voc/AbsorbedDose"),
    ("AbsorbedDoseRate", "https://gs1.org/voc/AbsorbedDoseRate"),
    ("Acceleration", "https://gs1.org/voc/Acceleration"),
    ("Radioactivity", "https://gs1.org/voc/Radioactivity"),
    ("Altitude", "https://gs1.org/voc/Altitude"),
    ("AmountOfSubstance", "https://gs1.org/voc/AmountOfSubstance"),
    (
        "AmountOfSubstancePerUnitVolume",
        "https://gs1.org/voc/AmountOfSubstancePerUnitVolume",
    ),
    ("Angle", "https://gs1.org/voc/Angle"),
    (
        "AngularAcceleration",
        "https://gs1.org/voc/AngularAcceleration",
    ),
    ("AngularMomentum", "https://gs1.org/voc/AngularMomentum"),
    ("AngularVelocity", "https://gs1.org/voc/AngularVelocity"),
    ("Area", "https://gs1.org/voc/Area"),
    ("Capacitance", "https://gs1.org/voc/Capacitance"),
    ("Conductance", "https://gs1.org/voc/Conductance"),
    ("Conductivity", "https://gs1.org/voc/Conductivity"),
    ("Count", "https://gs1.org/voc/Count"),
    ("Density", "https://gs1.org/voc/Density"),
    ("Dimensionless", "https://gs1.org/voc/Dimensionless"),
    ("DoseEquivalent", "https://gs1.org/voc/DoseEquivalent"),
    (
        "DoseEquivalentRate",
        "https://gs1.org/voc/DoseEquivalentRate",
    ),
    ("DynamicViscosity", "https://gs1.org/voc/DynamicViscosity"),
    ("ElectricCharge", "https://gs1.org/voc/ElectricCharge"),
    ("ElectricCurrent", "https://gs1.org/voc/ElectricCurrent"),
    (
        "ElectricCurrentDensity",
        "https://gs1.org/voc/ElectricCurrentDensity",
    ),
    (
        "ElectricFieldStrength",
        "https://gs1.org/voc/ElectricFieldStrength",
    ),
    ("Energy", "https://gs1.org/voc/Energy"),
    ("Exposure", "https://gs1.org/voc/Exposure"),
    ("Force", "https://gs1.org/voc/Force"),
    ("Frequency", "https://gs1.org/voc/Frequency"),
    ("Illuminance", "https://gs1.org/voc/Illuminance"),
    ("Inductance", "https://gs1.org/voc/Inductance"),
    ("Irradiance", "https://gs1.org/voc/Irradiance"),
    (
        "KinematicViscosity",
        "https://gs1.org/voc/KinematicViscosity",
    ),
    ("Length", "https://gs1.org/voc/Length"),
    ("LinearMomentum", "https://gs1.org/voc/LinearMomentum"),
    ("Luminance", "https://gs1.org/voc/Luminance"),
    ("LuminousFlux", "https://gs1.org/voc/LuminousFlux"),
    ("LuminousIntensity", "https://gs1.org/voc/LuminousIntensity"),
    ("MagneticFlux", "https://gs1.org/voc/MagneticFlux"),
    (
        "MagneticFluxDensity",
        "https://gs1.org/voc/MagneticFluxDensity",
    ),
    (
        "MagneticVectorPotential",
        "https://gs1.org/voc/MagneticVectorPotential",
    ),
    ("Mass", "https://gs1.org/voc/Mass"),
    ("MassConcentration", "https://gs1.org/voc/MassConcentration"),
    ("MassFlowRate", "https://gs1.org/voc/MassFlowRate"),
    ("MassPerAreaTime", "https://gs1.org/voc/MassPerAreaTime"),
    ("MemoryCapacity", "https://gs1.org/voc/MemoryCapacity"),
    ("MolalityOfSolute", "https://gs1.org/voc/MolalityOfSolute"),
    ("MolarEnergy", "https://gs1.org/voc/MolarEnergy"),
    ("MolarMass", "https://gs1.org/voc/MolarMass"),
    ("MolarVolume", "https://gs1.org/voc/MolarVolume"),
    ("Power", "https://gs1.org/voc/Power"),
    ("Pressure", "https://gs1.org/voc/Pressure"),
    ("RadiantFlux", "https://gs1.org/voc/RadiantFlux"),
    ("RadiantIntensity", "https://gs1.org/voc/RadiantIntensity"),
    ("RelativeHumidity", "https://gs1.org/voc/RelativeHumidity"),
    ("Resistance", "https://gs1.org/voc/Resistance"),
    ("Resistivity", "https://gs1.org/voc/Resistivity"),
    ("SolidAngle", "https://gs1.org/voc/SolidAngle"),
    ("SpecificVolume", "https://gs1.org/voc/SpecificVolume"),
    ("Speed", "https://gs1.org/voc/Speed"),
    ("SurfaceDensity", "https://gs1.org/voc/SurfaceDensity"),
    ("SurfaceTension", "https://gs1.org/voc/SurfaceTension"),
    ("Temperature", "https://gs1.org/voc/Temperature"),
    ("Time", "https://gs1.org/voc/Time"),
    ("Torque", "https://gs1.org/voc/Torque"),
    ("Voltage", "https://gs1.org/voc/Voltage"),
    ("Volume", "https://gs1.org/voc/Volume"),
    ("VolumeFlowRate", "https://gs1.org/voc/VolumeFlowRate"),
    ("VolumeFraction", "https://gs1.org/voc/VolumeFraction"),
    ("VolumetricFlux", "https://gs1.org/voc/VolumetricFlux"),
    ("Wavenumber", "https://gs1.org/voc/Wavenumber"),
];

pub(crate) const SENSOR_ALERT_TYPES: &[(&str, &str)] = &[
    ("ALARM_CONDITION", "https://gs1.org/voc/ALARM_CONDITION"),
    ("ERROR_CONDITION", "https://gs1.org/voc/ERROR_CONDITION"),
];
