from scalefold.cli import main

main()
