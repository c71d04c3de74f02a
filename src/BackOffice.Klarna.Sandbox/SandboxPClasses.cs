namespace BackOffice.Klarna.Sandbox;

/// <summary>The PClasses every sandbox merchant has. The DE account PClass is the seed's 3113 "Ratenkauf".</summary>
public static class SandboxPClasses
{
    public static IReadOnlyList<PClass> All { get; } =
    [
        new(3113, "Ratenkauf", 24, 0, 195, 1495, 0, KlarnaCountry.DE, PClassType.Account, null),
        new(3114, "3 Monate zinsfrei", 3, 0, 0, 0, 10_000, KlarnaCountry.DE, PClassType.Campaign, new DateOnly(2099, 12, 31)),
        new(3115, "Sommeraktion 2020", 6, 0, 0, 0, 5_000, KlarnaCountry.DE, PClassType.Campaign, new DateOnly(2020, 8, 31)),
        new(4113, "Ratenkauf", 24, 0, 195, 1495, 0, KlarnaCountry.AT, PClassType.Account, null),
        new(4114, "6 Monate zinsfrei", 6, 0, 0, 0, 15_000, KlarnaCountry.AT, PClassType.Campaign, new DateOnly(2099, 12, 31)),
        new(5113, "Gespreid betalen", 12, 0, 295, 1390, 0, KlarnaCountry.NL, PClassType.Account, null),
        new(2113, "Delbetalning", 24, 19_500, 2_900, 1995, 0, KlarnaCountry.SE, PClassType.Account, null),
        new(2114, "3 månader räntefritt", 3, 19_500, 2_900, 0, 100_000, KlarnaCountry.SE, PClassType.Campaign, new DateOnly(2099, 12, 31)),
        new(2115, "Fast delbetalning 12 månader", 12, 0, 2_900, 995, 50_000, KlarnaCountry.SE, PClassType.Fixed, null),
        new(6113, "Delbetaling", 24, 9_500, 3_900, 1995, 0, KlarnaCountry.NO, PClassType.Account, null),
        new(7113, "Delbetaling", 24, 0, 2_900, 1995, 0, KlarnaCountry.DK, PClassType.Account, null),
        new(8113, "Osamaksu", 24, 0, 395, 1990, 0, KlarnaCountry.FI, PClassType.Account, null),
    ];
}
