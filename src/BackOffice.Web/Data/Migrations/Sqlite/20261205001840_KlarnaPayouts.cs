using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KlarnaPayouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KlarnaPayouts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    PaymentReference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PayoutDate = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    SaleAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    ReturnAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    FeeAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    HoldbackAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    SettlementAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    ImportedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KlarnaPayouts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KlarnaPayouts_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "KlarnaPayoutLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PayoutId = table.Column<int>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    CaptureId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    RefundId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Match = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TransactionId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KlarnaPayoutLines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KlarnaPayoutLines_KlarnaPayouts_PayoutId",
                        column: x => x.PayoutId,
                        principalTable: "KlarnaPayouts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayoutLines_CaptureId",
                table: "KlarnaPayoutLines",
                column: "CaptureId");

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayoutLines_PayoutId",
                table: "KlarnaPayoutLines",
                column: "PayoutId");

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayoutLines_RefundId",
                table: "KlarnaPayoutLines",
                column: "RefundId");

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayouts_ChannelId_PaymentReference",
                table: "KlarnaPayouts",
                columns: new[] { "ChannelId", "PaymentReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayouts_ChannelId_PayoutDate",
                table: "KlarnaPayouts",
                columns: new[] { "ChannelId", "PayoutDate" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KlarnaPayoutLines");

            migrationBuilder.DropTable(
                name: "KlarnaPayouts");
        }
    }
}
