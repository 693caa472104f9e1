from labgraph.cli import main

main()
