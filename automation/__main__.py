from automation.cli import main

if __name__ == "__main__":  # also imported, never run, by multiprocessing in the render workers
    main()
