using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class VirtualShip : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "completed_at",
                table: "parcels",
                type: "TEXT",
                nullable: true);

            // Every parcel shipped before virtual shipping existed left at once.
            migrationBuilder.Sql("UPDATE parcels SET completed_at = shipped_at");

            migrationBuilder.CreateIndex(
                name: "ix_parcels_mode_completed_at_shipped_at",
                table: "parcels",
                columns: new[] { "mode", "completed_at", "shipped_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_parcels_mode_completed_at_shipped_at",
                table: "parcels");

            migrationBuilder.DropColumn(
                name: "completed_at",
                table: "parcels");
        }
    }
}
