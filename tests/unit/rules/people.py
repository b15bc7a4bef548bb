"""Who is who in the Foundry (shared/fixtures/foundry.yaml)."""

ANA, BEN, CARLA, DEV, ELI, KIM = (
    "ana.lopez@harbor.example",
    "ben.carter@harbor.example",
    "carla.diaz@harbor.example",
    "dev.shah@leasing.example",
    "eli.novak@installers.example",
    "kim.tran@callcenter.example",
)
JANE, OMAR, LUCIA, SAM, MAX = (
    "jane.park@example.com",
    "omar.haddad@example.com",
    "lucia.romero@example.com",
    "sam.okafor@example.com",
    "max.weber@cleanco.example",
)
ROSA = "+17185550199"
