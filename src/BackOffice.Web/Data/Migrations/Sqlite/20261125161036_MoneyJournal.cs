using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MoneyJournal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Splits",
                table: "Transactions",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<long>(
                name: "AnsweredAt",
                table: "Operations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "InFlightUntil",
                table: "Operations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "NewExpiry",
                table: "Operations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReservationNumber",
                table: "Operations",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "Operations",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Whole");

            migrationBuilder.AddColumn<string>(
                name: "SplitReservationNumber",
                table: "Operations",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "Invoices",
                type: "TEXT",
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "ReservationClaims",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrderNumber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ReservationNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    KlarnaStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: true),
                    Body = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReservationClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReservationClaims_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_ExpiresAt",
                table: "Transactions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReservationClaims_ChannelId_OrderNumber",
                table: "ReservationClaims",
                columns: new[] { "ChannelId", "OrderNumber" },
                unique: true);

            // Earlier answers keep being replayed; what the books already know is filled in.
            migrationBuilder.Sql("""
                INSERT INTO ReservationClaims (ChannelId, OrderNumber, Fingerprint, CreatedAt, State, Status, Body)
                SELECT ChannelId, OrderNumber, Fingerprint, CreatedAt, CASE WHEN Status IS NULL THEN 'Unknown' ELSE 'Answered' END, Status, Body
                FROM IdempotentReservation;
                UPDATE Invoices SET Currency = (SELECT Currency FROM Transactions WHERE Transactions.Id = Invoices.TransactionId);
                UPDATE Operations SET ReservationNumber = (SELECT ReservationNumber FROM Transactions WHERE Transactions.Id = Operations.TransactionId),
                    InFlightUntil = RequestedAt;
                """);

            migrationBuilder.DropTable(
                name: "IdempotentReservation");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReservationClaims");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_ExpiresAt",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "Splits",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "AnsweredAt",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "InFlightUntil",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "NewExpiry",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "ReservationNumber",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "SplitReservationNumber",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "Currency",
                table: "Invoices");

            migrationBuilder.CreateTable(
                name: "IdempotentReservation",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Body = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OrderNumber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotentReservation", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IdempotentReservation_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IdempotentReservation_ChannelId_OrderNumber",
                table: "IdempotentReservation",
                columns: new[] { "ChannelId", "OrderNumber" },
                unique: true);
        }
    }
}
