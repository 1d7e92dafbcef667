"""`python -m skill.package`: the same command as `hipcoach package`."""

from skill.cli.package import package_command

if __name__ == "__main__":
    package_command(prog_name="python -m skill.package")
